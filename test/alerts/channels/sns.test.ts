import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsTopicPublisher } from '../../../shared/adapters/sns-topic-publisher';
import { TransportError } from '../../../shared/app/alert-ports';
import { snsChannel } from '../../../shared/alerts/channels/sns';
import { checkTopicAllowed } from '../../../shared/alerts/channels/sns/allowed-topics';
import type { ValidationError } from '../../../shared/errors';
import { renderAlert } from '../../../shared/alerts/render';
import { checkSnsPublish } from '../../support/aws-strict';
import { alertMessage, transports } from '../support/fixtures';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:ops-alerts';

describe('sns channel', () => {
  beforeEach(() => sns.reset());

  it('publishes the alert JSON with the same attributes as the alerts topic, in the topic’s region', async () => {
    sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
      checkSnsPublish(input); // refuses what SNS refuses
      return { MessageId: 'sns-1' };
    });
    const regions: string[] = [];
    const topics = new SnsTopicPublisher((region) => {
      regions.push(region);
      return new SNSClient({ region });
    });
    const alert = renderAlert(alertMessage({}, { name: 'Sauvegarde é' }), { lastOutput: 'done' });
    const detail = await snsChannel.send(alert, { topic_arn: TOPIC }, transports({ topics }));
    await snsChannel.send(alert, { topic_arn: TOPIC }, transports({ topics }));

    expect(detail).toBe('published (sns-1)');
    expect(regions).toEqual(['eu-central-1']);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: 'MISSING | Sauvegarde ?',
      MessageAttributes: {
        event: { DataType: 'String', StringValue: 'down' },
        status: { DataType: 'String', StringValue: 'missing' },
        project: { DataType: 'String', StringValue: 'project-1' },
        tags: { DataType: 'String.Array', StringValue: '["db","prod"]' },
      },
    });
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!) as Record<string, unknown>;
    expect(message).toMatchObject({
      event: 'down',
      subject: 'MISSING | Sauvegarde é',
      lastOutput: 'done',
      test: false,
    });
  });

  it('makes an unknown topic or a missing permission permanent, throttling transient', async () => {
    const topics = new SnsTopicPublisher((region) => new SNSClient({ region }));
    const send = () =>
      snsChannel.send(renderAlert(alertMessage()), { topic_arn: TOPIC }, transports({ topics })).then(
        () => undefined,
        (e: unknown) => e as TransportError,
      );
    sns.on(PublishCommand).rejects(
      Object.assign(new Error('no topic'), {
        name: 'NotFoundException',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    expect((await send())?.permanent).toBe(true);
    sns.reset();
    sns.on(PublishCommand).rejects(
      Object.assign(new Error('slow down'), {
        name: 'ThrottledException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect((await send())?.permanent).toBe(false);
    sns.reset();
    sns.on(PublishCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    expect((await send())?.permanent).toBe(false);
  });

  it('accepts only standard topic ARNs', () => {
    const parse = (topic_arn: string) => snsChannel.settingsSchema.safeParse({ topic_arn }).success;
    expect(parse(TOPIC)).toBe(true);
    expect(parse('arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts')).toBe(true);
    expect(parse('arn:aws:sns:eu-central-1:123456789012:alerts.fifo')).toBe(false);
    expect(parse('arn:aws:sqs:eu-central-1:123456789012:alerts')).toBe(false);
    expect(parse('alerts')).toBe(false);
  });
});

describe('sns topics a deployment allows (snsChannelTopics)', () => {
  const rules = {
    allowed: ['arn:aws:sns:eu-central-1:123456789012:cronsentry-*', 'arn:aws:sns:eu-west-1:123456789012:ops'],
    reserved: ['arn:aws:sns:eu-central-1:123456789012:cronsentry-alerts'],
  };
  const problem = (topic: string) => {
    try {
      checkTopicAllowed(topic, rules);
      return undefined;
    } catch (error) {
      return (error as ValidationError).details;
    }
  };

  it('accepts the allowed ARNs and name patterns, nothing else, and never the alerts topic', () => {
    expect(problem('arn:aws:sns:eu-central-1:123456789012:cronsentry-team')).toBeUndefined();
    expect(problem('arn:aws:sns:eu-west-1:123456789012:ops')).toBeUndefined();
    for (const topic of [
      'arn:aws:sns:eu-west-1:123456789012:ops2',
      'arn:aws:sns:eu-central-1:210987654321:cronsentry-team',
      'arn:aws:sns:eu-central-1:123456789012:other',
      'arn:aws:sns:eu-central-1:123456789012:cronsentry-alerts',
    ]) {
      expect(problem(topic)).toEqual([
        { field: 'settings.topic_arn', message: expect.stringContaining('snsChannelTopics') as unknown as string },
      ]);
    }
    expect(() => checkTopicAllowed('arn:aws:sns:us-east-1:1:any', { reserved: [] })).not.toThrow();
  });

  it('reports what SNS refused as a code, never AWS text that names the role or account', async () => {
    const topics = new SnsTopicPublisher((region) => new SNSClient({ region }));
    sns.reset();
    sns
      .on(PublishCommand)
      .rejects(
        Object.assign(
          new Error(
            'User: arn:aws:sts::123456789012:assumed-role/CronSentry-ApiRole/x is not authorized to perform: SNS:Publish',
          ),
          { name: 'AuthorizationErrorException', $fault: 'client', $metadata: { httpStatusCode: 403 } },
        ),
      );
    const error = await snsChannel.send(renderAlert(alertMessage()), { topic_arn: TOPIC }, transports({ topics })).then(
      () => undefined,
      (e: unknown) => e as TransportError,
    );
    expect(error?.message).toBe('SNS: not_authorized');
    expect(error?.permanent).toBe(true);
  });
});
