import {
  GetCommand,
  paginateQuery,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type {
  ClaimResult,
  DeliveryFilter,
  DeliveryKey,
  DeliveryRecord,
  DeliveryStore,
} from '../app/ports/delivery-store';
import type { Page } from '../app/ports/page';
import type { DeliveryOutcome } from '../domain/channel';
import { isConditionFailure, sendConditional } from './document-client';
import { CursorError, decodeCursor, encodeCursor, keys } from './keys';

/** A filtered listing reads at most this many store pages per request, then hands back a cursor. */
const MAX_PAGES_PER_LIST = 10;

/**
 * The deliveries of a project. The item of a (notice, channel) pair is the claim that stops a
 * second send: only a conditional write that finds it absent, retryable or abandoned may send.
 */
export class DeliveryRepository implements DeliveryStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionMs: number,
  ) {}

  /**
   * Claims a delivery for sending. Succeeds when nobody has claimed it, when an earlier round
   * failed in a way that may work now, or when the claimer's lease ran out (it died mid-send:
   * sending once more beats never sending). Fails when it is sent, failed for good, or being
   * sent by a live notifier. `deadClaimsBefore`: a claim made before then belongs to a process
   * known to be gone (the sandbox restarted), so it is taken over without waiting for its lease.
   */
  async claim(
    key: DeliveryKey,
    details: { jobId: string | null; channelKind: string; event: string; test?: boolean },
    token: string,
    now: number,
    leaseMs: number,
    deadClaimsBefore?: number,
  ): Promise<ClaimResult> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.delivery(key.projectId, key.noticeAt, key.noticeId, key.channelId),
          UpdateExpression:
            'SET projectId = :projectId, noticeId = :noticeId, noticeAt = :noticeAt, channelId = :channelId, ' +
            'jobId = :jobId, channelKind = :kind, #event = :event, outcome = :sending, retryable = :false, ' +
            'leaseUntil = :lease, claimToken = :token, #at = :now, firstAt = if_not_exists(firstAt, :now), ' +
            'attempts = if_not_exists(attempts, :zero), test = :test, expiresAt = :expiresAt',
          ConditionExpression:
            'attribute_not_exists(pk) OR (outcome = :failed AND retryable = :true) OR (outcome = :sending AND leaseUntil < :now)' +
            (deadClaimsBefore === undefined ? '' : ' OR (outcome = :sending AND #at < :dead)'),
          ExpressionAttributeNames: { '#event': 'event', '#at': 'at' },
          ExpressionAttributeValues: {
            ':projectId': key.projectId,
            ':noticeId': key.noticeId,
            ':noticeAt': key.noticeAt,
            ':channelId': key.channelId,
            ':jobId': details.jobId,
            ':kind': details.channelKind,
            ':event': details.event,
            ':sending': 'sending',
            ':failed': 'failed',
            ':true': true,
            ':false': false,
            ':lease': now + leaseMs,
            ':token': token,
            ':now': now,
            ':zero': 0,
            ':test': details.test ?? false,
            ':expiresAt': Math.ceil((now + this.retentionMs) / 1000),
            ...(deadClaimsBefore === undefined ? {} : { ':dead': deadClaimsBefore }),
          },
        }),
      );
      return { claimed: true, token };
    } catch (error) {
      if (isConditionFailure(error)) return { claimed: false };
      throw error;
    }
  }

  /**
   * Records how a claimed delivery ended. Conditional on still holding the claim: a notifier that
   * outlived its lease must not overwrite the outcome of the one that took over. Returns whether
   * the outcome was written.
   */
  async finish(
    key: DeliveryKey,
    token: string,
    result: { outcome: 'sent' | 'failed'; retryable: boolean; attempts: number; detail?: string; error?: string },
    now: number,
  ): Promise<boolean> {
    // Empty strings are not stored (older stores refuse them): an absent detail or error is removed.
    const values: Record<string, unknown> = {
      ':outcome': result.outcome,
      ':retryable': result.retryable,
      ':now': now,
      ':attempts': result.attempts,
      ':token': token,
    };
    const sets = ['outcome = :outcome', 'retryable = :retryable', '#at = :now'];
    const removals = ['leaseUntil', 'claimToken'];
    for (const [name, value] of [
      ['detail', result.detail],
      ['error', result.error],
    ] as const) {
      if (value) {
        sets.push(`#${name} = :${name}`);
        values[`:${name}`] = value;
      } else {
        removals.push(`#${name}`);
      }
    }
    return sendConditional(
      this.documents,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.delivery(key.projectId, key.noticeAt, key.noticeId, key.channelId),
        UpdateExpression: `SET ${sets.join(', ')} ADD attempts :attempts REMOVE ${removals.join(', ')}`,
        ConditionExpression: 'claimToken = :token',
        ExpressionAttributeNames: { '#at': 'at', '#detail': 'detail', '#error': 'error' },
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * A record written whole, with nothing to claim: a test message's (every test sends), or a notice
   * parked because the alerts topic would not take it (see shared/app/dead-letters.ts).
   */
  async recordTest(record: DeliveryRecord): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.delivery(record.projectId, record.noticeAt, record.noticeId, record.channelId),
          ...record,
          detail: record.detail || undefined,
          error: record.error || undefined,
          expiresAt: Math.ceil((record.at + this.retentionMs) / 1000),
        },
      }),
    );
  }

  async get(key: DeliveryKey): Promise<DeliveryRecord | undefined> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.delivery(key.projectId, key.noticeAt, key.noticeId, key.channelId),
        ConsistentRead: true,
      }),
    );
    return result.Item ? fromItem(result.Item) : undefined;
  }

  /**
   * The project's deliveries, newest first, optionally of one job and/or one channel. A filtered
   * page is filled from as many store pages as it takes (up to a bound), and its cursor points just
   * after the last record returned, so nothing is skipped or repeated.
   */
  async list(projectId: string, filter: DeliveryFilter, limit: number, cursor?: string): Promise<Page<DeliveryRecord>> {
    const partition = keys.projectPartition(projectId);
    let start: Record<string, unknown> | undefined = decodeCursor(cursor);
    if (start && (start.pk !== partition || !String(start.sk).startsWith(keys.deliveryPrefix))) {
      throw new CursorError();
    }
    const conditions: string[] = [];
    const values: Record<string, unknown> = { ':pk': partition, ':prefix': keys.deliveryPrefix };
    if (filter.jobId) {
      conditions.push('jobId = :jobId');
      values[':jobId'] = filter.jobId;
    }
    if (filter.channelId) {
      conditions.push('channelId = :channelId');
      values[':channelId'] = filter.channelId;
    }
    const items: DeliveryRecord[] = [];
    const pages = paginateQuery(
      { client: this.documents, startingToken: start },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      },
    );
    let pagesRead = 0;
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        items.push(fromItem(item));
        if (items.length === limit) {
          const last = item === page.Items?.[page.Items.length - 1];
          const next = last ? page.LastEvaluatedKey : { pk: item.pk, sk: item.sk };
          return { items, nextCursor: encodeCursor(next) };
        }
      }
      start = page.LastEvaluatedKey;
      pagesRead += 1;
      if (pagesRead === MAX_PAGES_PER_LIST) break;
    }
    return { items, nextCursor: encodeCursor(start) };
  }
}

function fromItem(item: Record<string, unknown>): DeliveryRecord {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    projectId: String(item.projectId),
    noticeId: String(item.noticeId),
    noticeAt: Number(item.noticeAt),
    channelId: String(item.channelId),
    jobId: typeof item.jobId === 'string' ? item.jobId : null,
    channelKind: String(item.channelKind),
    event: String(item.event),
    outcome: item.outcome as DeliveryOutcome,
    retryable: item.retryable === true,
    attempts: Number(item.attempts ?? 0),
    firstAt: Number(item.firstAt),
    at: Number(item.at),
    detail: text(item.detail),
    error: text(item.error),
    test: item.test === true,
  };
}
