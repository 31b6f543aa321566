import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { PublishRefused, type AlertBus, type AlertMessage } from '../app/alert-bus';
import { alertSubject, snsSafeSubject } from '../app/alert-subject';
import { awsTransportError } from './aws-transport-error';

/**
 * Publishes every notice to the stack's alerts topic, with message attributes people can filter
 * on (`event`, `status`, `project`, `tags`) in their subscription filter policies. The subject is
 * made safe by construction (printable ASCII, under 100 characters), whatever the job is named.
 */
export class SnsAlertBus implements AlertBus {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(message: AlertMessage): Promise<void> {
    const tags = message.job.tags.length ? message.job.tags : ['-'];
    try {
      await this.sns.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: snsSafeSubject(alertSubject(message)),
          Message: JSON.stringify(message),
          MessageAttributes: {
            event: { DataType: 'String', StringValue: message.event },
            status: { DataType: 'String', StringValue: message.notice.to },
            project: { DataType: 'String', StringValue: message.job.projectId },
            tags: { DataType: 'String.Array', StringValue: JSON.stringify(tags) },
          },
        }),
      );
    } catch (error) {
      // Errors raised before the request left (the SDK's own encoding) can never pass either.
      const refused = error instanceof URIError || error instanceof RangeError;
      if (refused || awsTransportError(error, 'SNS').permanent) {
        throw new PublishRefused(`SNS refused the message: ${(error as Error)?.name ?? 'Error'}`, { cause: error });
      }
      throw error;
    }
  }
}
