import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { recordAwsCalls, type AwsCall } from '../../shared/adapters/aws-call-recorder';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alerts';

/** An SNS client that records its calls and answers them itself, before anything is sent. */
function recordedClient() {
  const calls: AwsCall[] = [];
  const sns = new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
  recordAwsCalls(sns, {
    functionOf: () => 'checker',
    sink: (call) => calls.push(call),
    account: '123456789012',
    alertsTopicArn: TOPIC,
  });
  sns.middlewareStack.add(() => async () => ({ output: { $metadata: {} } as never, response: {} }), {
    step: 'build',
  });
  return { sns, calls };
}

describe('the AWS call recorder', () => {
  it('records PublishBatch as sns:Publish, the IAM action that authorizes it, on the topic', async () => {
    const { sns, calls } = recordedClient();
    await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'one' }));
    await sns.send(
      new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: [{ Id: 'a', Message: 'two' }] }),
    );
    expect(calls).toEqual([
      { function: 'checker', action: 'sns:Publish', resource: TOPIC, stackResource: 'alerts-topic' },
      { function: 'checker', action: 'sns:Publish', resource: TOPIC, stackResource: 'alerts-topic' },
    ]);
  });
});
