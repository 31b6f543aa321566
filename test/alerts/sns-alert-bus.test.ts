import {
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  type PublishBatchCommandInput,
  type PublishCommandInput,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsAlertBus } from '../../shared/adapters/sns-alert-bus';
import { PublishRefused, type AlertMessage, type PublishOutcome } from '../../shared/app/alert-bus';
import { checkSnsPublish, checkSnsPublishBatch, entryAsPublish } from '../support/aws-strict';
import { alertMessage } from './support/fixtures';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alerts';
const sns = mockClient(SNSClient);

/** What the strict fake took, by notice id, and the entries of each PublishBatch request. */
let taken: string[];
let batches: number[];
/** A test may fail entries the way SNS may. */
let refuse: Parameters<typeof checkSnsPublishBatch>[1];

const noticeIdOf = (input: PublishCommandInput) => (JSON.parse(input.Message!) as AlertMessage).notice.id;

beforeEach(() => {
  sns.reset();
  taken = [];
  batches = [];
  refuse = undefined;
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    checkSnsPublish(input);
    taken.push(noticeIdOf(input));
    return { MessageId: `single-${taken.length}` };
  });
  sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
    batches.push(input.PublishBatchRequestEntries?.length ?? 0);
    const { output, accepted } = checkSnsPublishBatch(input, refuse);
    taken.push(...accepted.map(noticeIdOf));
    return output;
  });
});

/** Message `i`, a distinct notice of its own job; `description` makes it as big as a test needs. */
function message(i: number, description = 'Nightly dump'): AlertMessage {
  const base = alertMessage();
  return alertMessage(
    { notice: { ...base.notice, id: `job-${i}:2`, jobId: `job-${i}` } },
    { id: `job-${i}`, description },
  );
}

const bus = () => new SnsAlertBus(new SNSClient({ region: 'eu-west-1' }), TOPIC);
const failed = (outcome: PublishOutcome | undefined) => (outcome && !outcome.ok ? outcome.error : undefined);

describe('the alerts topic, many messages at once', () => {
  it('sends 25 messages in PublishBatch requests of at most 10 entries, each message taken once', async () => {
    const messages = Array.from({ length: 25 }, (_, i) => message(i));
    const outcomes = await bus().publishMany(messages);

    expect(outcomes).toEqual(messages.map(() => ({ ok: true })));
    expect(batches.sort()).toEqual([10, 10, 5].sort());
    expect(taken.sort()).toEqual(messages.map((m) => m.notice.id).sort());
    // Each entry carries what a single Publish would: the subject and the filterable attributes.
    const entry = sns.commandCalls(PublishBatchCommand)[0]!.args[0].input.PublishBatchRequestEntries![0]!;
    expect(entry).toMatchObject({
      Subject: 'MISSING | Database Backup',
      MessageAttributes: { event: { DataType: 'String', StringValue: 'down' } },
    });
  });

  it('keeps each request under 256 KB; a message too big for SNS is refused alone and the others go', async () => {
    const big = 'x'.repeat(100_000);
    const messages = [message(0, big), message(1, big), message(2, big), message(3, 'y'.repeat(300_000)), message(4)];
    const outcomes = await bus().publishMany(messages);

    expect(failed(outcomes[3])).toBeInstanceOf(PublishRefused);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(4);
    expect(taken.sort()).toEqual(['job-0:2', 'job-1:2', 'job-2:2', 'job-4:2']);
    // Two 100 KB messages share a request; a third would pass 256 KB, so it and the rest go alone.
    expect(batches).toEqual([2]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(3);
  });

  it('tells refused entries (the sender’s fault) from those worth a retry; the rest of the request goes', async () => {
    refuse = (entry) => {
      const id = noticeIdOf(entry);
      if (id === 'job-2:2') return { Code: 'InvalidParameter', SenderFault: true };
      if (id === 'job-5:2') return { Code: 'InternalError', SenderFault: false };
      return undefined;
    };
    const outcomes = await bus().publishMany(Array.from({ length: 8 }, (_, i) => message(i)));

    expect(failed(outcomes[2])).toBeInstanceOf(PublishRefused);
    const transient = failed(outcomes[5]);
    expect(transient).toBeDefined();
    expect(transient).not.toBeInstanceOf(PublishRefused);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(6);
    expect(taken).toHaveLength(6);
  });

  it('fails every entry of a request SNS throttled, as worth a retry', async () => {
    sns
      .on(PublishBatchCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', $metadata: {} }));
    const outcomes = await bus().publishMany(Array.from({ length: 12 }, (_, i) => message(i)));
    expect(outcomes).toHaveLength(12);
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      expect(failed(outcome)).not.toBeInstanceOf(PublishRefused);
    }
  });
});

describe('the strict PublishBatch fake', () => {
  const entry = (id: string, text = 'hello') => ({ Id: id, Message: text });
  const request = (entries: ReturnType<typeof entry>[]) => ({ TopicArn: TOPIC, PublishBatchRequestEntries: entries });
  const refusal = (input: PublishBatchCommandInput) => {
    try {
      checkSnsPublishBatch(input);
      return undefined;
    } catch (error) {
      return (error as Error).name;
    }
  };

  it('refuses what SNS refuses: more than 10 entries, repeated or malformed ids, over 256 KB in all, none', () => {
    expect(refusal(request(Array.from({ length: 11 }, (_, i) => entry(`e${i}`))))).toBe(
      'TooManyEntriesInBatchRequestException',
    );
    expect(refusal(request([entry('a'), entry('a')]))).toBe('BatchEntryIdsNotDistinctException');
    expect(refusal(request([entry('no spaces')]))).toBe('InvalidBatchEntryIdException');
    expect(refusal(request([entry('a', 'x'.repeat(150_000)), entry('b', 'x'.repeat(150_000))]))).toBe(
      'BatchRequestTooLongException',
    );
    expect(refusal(request([]))).toBe('EmptyBatchRequestException');
    expect(refusal(request(Array.from({ length: 10 }, (_, i) => entry(`e${i}`))))).toBeUndefined();
  });

  it('fails an entry that breaks a Publish rule and takes the others', () => {
    const input = request([entry('a'), { Id: 'b', Message: '' }, entry('c')]);
    const { output, accepted } = checkSnsPublishBatch(input);
    expect(output.Failed).toEqual([expect.objectContaining({ Id: 'b', SenderFault: true })]);
    expect(accepted).toEqual([entryAsPublish(input, entry('a')), entryAsPublish(input, entry('c'))]);
  });
});
