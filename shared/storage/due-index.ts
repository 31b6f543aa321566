import {
  GetCommand,
  paginateQuery,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { JobState } from '../domain/job';
import { wakeTimeOf } from '../domain/transitions';
import {
  dueKeyOf,
  nextPhaseTime,
  PHASE_PERIODS,
  phaseOf,
  phaseRanges,
  type PhaseRange,
  type WakePhase,
} from '../domain/wake-phase';
import { allShards, keys } from './keys';
import { DUE_INDEX } from './table-definition';

/**
 * The sparse `due` index, keyed two ways in the same GSI (no second index): a moving key, partition
 * `<shard>` with the absolute wake-up time as sort key (as before), and a phase key, partition
 * `P<period in seconds>#<shard>` (`P3600#2`, `P86400#0`) with the phase in milliseconds within that
 * period as sort key (shared/domain/wake-phase.ts). A job is in at most one partition at a time.
 */

/** The index attributes of a state item: none when the checker has nothing to look at. */
export function dueAttributes(state: JobState, shard: string): { dueShard: string; dueAt: number } | object {
  const key = dueKeyOf(state);
  if (key === undefined) return {};
  if (key.kind === 'at') return { dueShard: shard, dueAt: key.at };
  return { dueShard: phasePartition(key.periodMs, shard), dueAt: key.phaseMs };
}

/**
 * The wake-up fields of a state read back: a moving key is the wake-up time; a phase key was only
 * ever written when the real wake-up time had that phase, and nothing that changes the real wake-up
 * time writes without a new key, so the real one is recomputed from the item.
 */
export function wakeFromItem(
  state: Omit<JobState, 'wakeAt' | 'wakePhase'>,
  item: { dueShard?: string; dueAt?: number; version: number },
): Pick<JobState, 'wakeAt' | 'wakePhase'> {
  const periodMs = periodOfPartition(item.dueShard);
  if (periodMs === undefined) return { wakeAt: item.dueAt };
  const wakePhase: WakePhase = { periodMs, version: item.version };
  return { wakeAt: wakeTimeOf(state as JobState), wakePhase };
}

function phasePartition(periodMs: number, shard: string): string {
  return `P${periodMs / 1000}#${shard}`;
}

function periodOfPartition(partition: string | undefined): number | undefined {
  const match = partition === undefined ? null : /^P(\d+)#/.exec(partition);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** The index's queries for the checker, and how far the checker has visited the phases. */
export class DueIndex {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Jobs to look at now: moving keys whose time has come, and phase keys the clock passed in
   * (`phasesAfter`, `now`] (an early bound both: the items are the truth).
   */
  async dueJobIds(now: number, phasesAfter: number): Promise<string[]> {
    const reads: Promise<string[]>[] = allShards().map((shard) => this.ids(shard, { to: now }));
    for (const periodMs of PHASE_PERIODS) {
      for (const range of phaseRanges(Math.floor(phasesAfter), Math.floor(now), periodMs)) {
        for (const shard of allShards()) reads.push(this.ids(phasePartition(periodMs, shard), range));
      }
    }
    return [...new Set((await Promise.all(reads)).flat())];
  }

  /**
   * The next moment a job needs the checker: the earliest moving key, or the first instant after
   * `phasesAfter` that has a phase key (two `Limit 1` queries per phase partition at most).
   */
  async earliestWake(phasesAfter: number): Promise<number | undefined> {
    const looks: Promise<number | undefined>[] = allShards().map((shard) => this.first(shard, undefined));
    for (const periodMs of PHASE_PERIODS) {
      for (const shard of allShards())
        looks.push(this.nextPhase(phasePartition(periodMs, shard), periodMs, phasesAfter));
    }
    const times = (await Promise.all(looks)).filter((time): time is number => time !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /**
   * Up to where the checker has visited the phases (the end of its last complete sweep), if ever.
   * An eventually consistent read (half a read unit): a stale answer is an earlier time, so the
   * sweep reads a few jobs twice, never none.
   */
  async lastPhaseVisit(): Promise<number | undefined> {
    const result = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: keys.phaseVisit }));
    return typeof result.Item?.upTo === 'number' ? result.Item.upTo : undefined;
  }

  /**
   * Records a complete visit up to `upTo`: one small unconditional write per sweep. Two checkers
   * racing may set it a little back; the next sweep then reads a few jobs twice, never none.
   */
  async savePhaseVisit(upTo: number): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.phaseVisit, upTo } }));
  }

  /** The first instant after `after` with a phase key in the partition: later this period, or the earliest of the next. */
  private async nextPhase(partition: string, periodMs: number, after: number): Promise<number | undefined> {
    const at = Math.floor(after);
    const phase = (await this.first(partition, phaseOf(at, periodMs) + 1)) ?? (await this.first(partition, 0));
    return phase === undefined ? undefined : nextPhaseTime(at, periodMs, phase);
  }

  /** The smallest sort key in a partition, at or after `from` when given. */
  private async first(partition: string, from: number | undefined): Promise<number | undefined> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: from === undefined ? 'dueShard = :shard' : 'dueShard = :shard AND dueAt >= :from',
        ExpressionAttributeValues:
          from === undefined ? { ':shard': partition } : { ':shard': partition, ':from': from },
        ScanIndexForward: true,
        Limit: 1,
      }),
    );
    const item = result.Items?.[0];
    return item ? Number(item.dueAt) : undefined;
  }

  private async ids(partition: string, range: Partial<PhaseRange> & { to: number }): Promise<string[]> {
    const ids: string[] = [];
    const bounded = range.from !== undefined;
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: bounded
          ? 'dueShard = :shard AND dueAt BETWEEN :from AND :to'
          : 'dueShard = :shard AND dueAt <= :to',
        ExpressionAttributeValues: bounded
          ? { ':shard': partition, ':from': range.from, ':to': range.to }
          : { ':shard': partition, ':to': range.to },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) ids.push(String(item.pk).slice('JOB#'.length));
    }
    return ids;
  }
}
