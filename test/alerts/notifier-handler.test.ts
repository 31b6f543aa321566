import type { SNSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { buildNotifierHandler } from '../../functions/notifier/handler';
import { DeliveryIncompleteError } from '../../shared/alerts/notifier';
import { alertMessage } from './support/fixtures';

function snsEvent(...messages: string[]): SNSEvent {
  return {
    Records: messages.map((Message, index) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:alerts:sub',
      Sns: { Message, MessageId: `m-${index}` } as SNSEvent['Records'][number]['Sns'],
    })),
  };
}

describe('notifier Lambda handler', () => {
  it('hands each message of the alerts topic to the notifier', async () => {
    const deliver = vi.fn(async () => ({ noticeId: 'job-1:7', results: [] }));
    const handler = buildNotifierHandler({ notifier: { deliver }, logger: { error: vi.fn() } });
    await handler(snsEvent(JSON.stringify(alertMessage())));
    expect(deliver).toHaveBeenCalledWith(alertMessage());
  });

  it('drops a message it cannot read (a retry cannot fix it) and says so', async () => {
    const deliver = vi.fn();
    const error = vi.fn();
    const handler = buildNotifierHandler({ notifier: { deliver }, logger: { error } });
    await handler(snsEvent('not json', JSON.stringify({ event: 'down' })));
    expect(deliver).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(2);
  });

  it('fails the invocation while a channel may still be reached, so Lambda retries and then queues it', async () => {
    const incomplete = new DeliveryIncompleteError({ noticeId: 'job-1:7', results: [] }, [
      { channelId: 'c', error: 'HTTP 503' },
    ]);
    const handler = buildNotifierHandler({
      notifier: { deliver: vi.fn(async () => Promise.reject(incomplete)) },
      logger: { error: vi.fn() },
    });
    await expect(handler(snsEvent(JSON.stringify(alertMessage())))).rejects.toBe(incomplete);
  });
});
