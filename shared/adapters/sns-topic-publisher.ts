import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { TransportError, type TopicPublisher } from '../app/alert-ports';
import { awsTransportError } from './aws-transport-error';

/**
 * Publishes to users' own topics. A topic may live in another region than the notifier, and SNS
 * only accepts a publish in the topic's region, so there is one client per region (made once).
 */
export class SnsTopicPublisher implements TopicPublisher {
  private readonly clients = new Map<string, SNSClient>();

  constructor(private readonly clientFor: (region: string) => SNSClient) {}

  async publish(input: Parameters<TopicPublisher['publish']>[0]): Promise<string> {
    const region = input.topicArn.split(':')[3];
    if (!region) throw new TransportError('not a topic ARN', true);
    let client = this.clients.get(region);
    if (!client) {
      client = this.clientFor(region);
      this.clients.set(region, client);
    }
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(input.attributes)) {
      attributes[name] = Array.isArray(value)
        ? { DataType: 'String.Array', StringValue: JSON.stringify(value) }
        : { DataType: 'String', StringValue: value };
    }
    try {
      const result = await client.send(
        new PublishCommand({
          TopicArn: input.topicArn,
          Subject: input.subject,
          Message: input.message,
          MessageAttributes: attributes,
        }),
      );
      return result.MessageId ?? 'published';
    } catch (error) {
      throw awsTransportError(error, 'SNS');
    }
  }
}
