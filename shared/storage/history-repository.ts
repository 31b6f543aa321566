import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FlipRecord, PingRecord } from '../domain/history';
import { CursorError, decodeCursor, encodeCursor, keys } from './keys';
import type { HistoryStore } from '../app/ports/history-store';
import type { Page } from '../app/ports/page';

/**
 * The append-only history of a job: pings (expiring after the retention period) and flips.
 * Both live in the job's partition, newest read first, and never touch an index.
 */
export class HistoryRepository implements HistoryStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly pingRetentionMs: number,
  ) {}

  async appendPing(ping: PingRecord, uniqueSuffix: string): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.ping(ping.jobId, ping.at, uniqueSuffix),
          ...ping,
          expiresAt: Math.ceil((ping.at + this.pingRetentionMs) / 1000),
        },
      }),
    );
  }

  /** Idempotent: re-recording the same notice writes the same item. */
  async recordFlip(flip: FlipRecord): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.flip(flip.jobId, flip.at, flip.id),
          id: flip.id,
          jobId: flip.jobId,
          from: flip.from,
          to: flip.to,
          at: flip.at,
          reason: flip.reason,
          ...(flip.heldBy ? { heldBy: flip.heldBy } : {}),
        },
      }),
    );
  }

  listPings(jobId: string, limit: number, cursor?: string): Promise<Page<PingRecord>> {
    return this.newestFirst<PingRecord>(jobId, keys.pingPrefix, limit, cursor);
  }

  listFlips(jobId: string, limit: number, cursor?: string): Promise<Page<FlipRecord>> {
    return this.newestFirst<FlipRecord>(jobId, keys.flipPrefix, limit, cursor);
  }

  private async newestFirst<T>(jobId: string, prefix: string, limit: number, cursor?: string): Promise<Page<T>> {
    const partition = keys.jobPartition(jobId);
    const start = decodeCursor(cursor);
    if (start && (start.pk !== partition || !String(start.sk).startsWith(prefix))) throw new CursorError();
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    const items = (result.Items ?? []).map((item) => {
      const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...record } = item;
      return record as T;
    });
    return { items, nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }
}
