import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, sendConditional } from './document-client';
import { keys } from './keys';

import type { IntakeGuardRecord, IntakeStore } from '../app/ports/intake-store';

/** How long a minute's ping count is kept: more than any baseline the guard looks at. */
const COUNTER_TTL_SECONDS = 24 * 60 * 60;

/** Ping counts per minute and the guard's item (shared/app/intake-guard.ts). */
export class IntakeRepository implements IntakeStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Adds to a minute's count (an atomic ADD: many processes count into one minute). */
  async addPings(minuteStart: number, count: number): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.ingestMinute(minuteStart),
        UpdateExpression: 'ADD pings :count SET expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeValues: {
          ':count': count,
          ':expires': Math.ceil(minuteStart / 1000) + COUNTER_TTL_SECONDS,
        },
      }),
    );
  }

  /** Pings per minute from `firstMinute` to `lastMinute` (both minute starts), zero where none came. */
  async pingsPerMinute(firstMinute: number, lastMinute: number): Promise<number[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': keys.ingestPartition,
          ':first': keys.ingestMinute(firstMinute).sk,
          ':last': keys.ingestMinute(lastMinute).sk,
        },
        ConsistentRead: true,
      }),
    );
    const counts = new Map((result.Items ?? []).map((item) => [String(item.sk), Number(item.pings ?? 0)]));
    const perMinute: number[] = [];
    for (let minute = firstMinute; minute <= lastMinute; minute += 60_000) {
      perMinute.push(counts.get(keys.ingestMinute(minute).sk) ?? 0);
    }
    return perMinute;
  }

  async getGuard(): Promise<IntakeGuardRecord> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.intakeGuard, ConsistentRead: true }),
    );
    const item = result.Item ?? {};
    return {
      ...(item.canaryJobId ? { canaryJobId: String(item.canaryJobId) } : {}),
      ...(item.outageSince !== undefined ? { outageSince: Number(item.outageSince) } : {}),
      ...(item.outageReason ? { outageReason: String(item.outageReason) } : {}),
    };
  }

  /** Names the canary job once; the first writer wins and everyone uses its job. */
  async claimCanary(jobId: string): Promise<string> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.intakeGuard,
          UpdateExpression: 'SET canaryJobId = :id',
          ConditionExpression: 'attribute_not_exists(canaryJobId)',
          ExpressionAttributeValues: { ':id': jobId },
        }),
      );
      return jobId;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const winner = (await this.getGuard()).canaryJobId;
      if (!winner) throw error;
      return winner;
    }
  }

  /** Marks an outage as begun; true for the one caller that did (it sends the operator alert). */
  async beginOutage(since: number, reason: string): Promise<boolean> {
    return this.conditional('SET outageSince = :since, outageReason = :reason', 'attribute_not_exists(outageSince)', {
      ':since': since,
      ':reason': reason,
    });
  }

  /** Marks the outage as over; true for the one caller that did. */
  async endOutage(): Promise<boolean> {
    return this.conditional('REMOVE outageSince, outageReason', 'attribute_exists(outageSince)', {});
  }

  private async conditional(update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    return sendConditional(
      this.documents,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.intakeGuard,
        UpdateExpression: update,
        ConditionExpression: condition,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }
}
