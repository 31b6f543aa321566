import { PublishBatchCommand, PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { PublishRefused, type AlertBus, type AlertMessage, type PublishOutcome } from '../app/alert-bus';
import { alertSubject, snsSafeSubject } from '../app/alert-subject';
import { awsTransportError } from './aws-transport-error';

/** PublishBatch takes at most 10 entries a request (SNS API reference, PublishBatch). */
const BATCH_ENTRIES = 10;
/** "The total aggregate size of all messages in a single PublishBatch request can't exceed 262,144 bytes." */
const BATCH_BYTES = 262_144;

/** One message as SNS takes it (Publish, or an entry of PublishBatch). */
interface SnsEntry {
  readonly Subject: string;
  readonly Message: string;
  readonly MessageAttributes: Record<string, MessageAttributeValue>;
}

/**
 * Publishes every notice to the stack's alerts topic, with message attributes people can filter
 * on (`event`, `status`, `project`, `tags`) in their subscription filter policies. The subject is
 * made safe by construction (printable ASCII, under 100 characters), whatever the job is named.
 * Many notices at once (a mass outage) go out with PublishBatch, 10 a request; its IAM action is
 * `sns:Publish` ("grants permission to both publish and publish batch", SNS API permissions reference).
 */
export class SnsAlertBus implements AlertBus {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(message: AlertMessage): Promise<void> {
    try {
      await this.sns.send(new PublishCommand({ TopicArn: this.topicArn, ...entryOf(message) }));
    } catch (error) {
      throw publishError(error);
    }
  }

  /**
   * Requests of at most 10 entries and 256 KB, sent at once. A message alone in its request (one
   * message, or one too big to share) goes with Publish, whose answer says what SNS refused in it.
   */
  async publishMany(messages: readonly AlertMessage[]): Promise<PublishOutcome[]> {
    const entries = messages.map(entryOf);
    const outcomes: PublishOutcome[] = [];
    await Promise.all(
      batchesOf(entries).map(async (batch) => {
        if (batch.length === 1) {
          const [index] = batch;
          outcomes[index!] = await this.publish(messages[index!]!).then(
            () => ({ ok: true }),
            (error: unknown) => ({ ok: false, error }),
          );
          return;
        }
        for (const [index, outcome] of await this.publishBatch(batch, entries)) outcomes[index] = outcome;
      }),
    );
    return outcomes;
  }

  /** One PublishBatch request; entry ids are the messages' indexes, so each answer finds its message. */
  private async publishBatch(batch: readonly number[], entries: readonly SnsEntry[]) {
    const outcomes = new Map<number, PublishOutcome>();
    try {
      const result = await this.sns.send(
        new PublishBatchCommand({
          TopicArn: this.topicArn,
          PublishBatchRequestEntries: batch.map((index) => ({ Id: `m${index}`, ...entries[index]! })),
        }),
      );
      for (const ok of result.Successful ?? []) outcomes.set(indexOf(ok.Id), { ok: true });
      for (const failed of result.Failed ?? []) {
        // An entry's failure carries what an SDK error would: its code, and whose fault it was.
        const cause = Object.assign(new Error(failed.Message ?? failed.Code ?? 'failed'), {
          name: failed.Code ?? 'Error',
          $fault: failed.SenderFault ? 'client' : 'server',
        });
        outcomes.set(indexOf(failed.Id), { ok: false, error: publishError(cause) });
      }
    } catch (error) {
      const refused = publishError(error);
      for (const index of batch) outcomes.set(index, { ok: false, error: refused });
    }
    // An entry SNS did not answer for was not taken: it stays in the outbox.
    for (const index of batch) {
      if (!outcomes.has(index))
        outcomes.set(index, { ok: false, error: new Error('SNS did not answer for the entry') });
    }
    return outcomes;
  }
}

function entryOf(message: AlertMessage): SnsEntry {
  const tags = message.job.tags.length ? message.job.tags : ['-'];
  return {
    Subject: snsSafeSubject(alertSubject(message)),
    Message: JSON.stringify(message),
    MessageAttributes: {
      event: { DataType: 'String', StringValue: message.event },
      status: { DataType: 'String', StringValue: message.notice.to },
      project: { DataType: 'String', StringValue: message.job.projectId },
      tags: { DataType: 'String.Array', StringValue: JSON.stringify(tags) },
    },
  };
}

/** The bytes SNS counts against its size limits: the message and its attributes' names, types and values. */
function sizeOf(entry: SnsEntry): number {
  let size = Buffer.byteLength(entry.Message, 'utf8');
  for (const [name, value] of Object.entries(entry.MessageAttributes)) {
    size +=
      Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

/** Indexes of `entries` grouped into requests SNS takes: at most 10 entries and 256 KB each. */
function batchesOf(entries: readonly SnsEntry[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  entries.forEach((entry, index) => {
    const size = sizeOf(entry);
    if (current.length === BATCH_ENTRIES || (current.length > 0 && bytes + size > BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

function indexOf(id: string | undefined): number {
  return Number((id ?? '').slice(1));
}

/** A refusal no retry can change becomes PublishRefused (the outbox parks it after a few tries). */
function publishError(error: unknown): unknown {
  // Errors raised before the request left (the SDK's own encoding) can never pass either.
  const refused = error instanceof URIError || error instanceof RangeError;
  if (refused || awsTransportError(error, 'SNS').permanent) {
    return new PublishRefused(`SNS refused the message: ${(error as Error)?.name ?? 'Error'}`, { cause: error });
  }
  return error;
}
