import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StatusIndexMissingError } from '../app/ports/job-store';
import { DAY, MINUTE } from '../domain/durations';
import { STORED_STATUSES } from '../domain/job';
import { sendConditional } from './document-client';
import { keys } from './keys';
import { countInStatus, type CountCursor } from './status-index';

/** How old a project's status counts may get before they are tallied again from the status index. */
export const RECOUNT_EVERY_MS = DAY;

/**
 * How long a recount waits, between reading the counters and tallying the jobs and again before it
 * writes the tally, for the writes under way to land. It must exceed the longest a live writer takes
 * from its first counter-related write to its last (a change into a down status is counted before
 * the job is written, the others after it): the checker's timeout, 90 s, is the longest of the
 * functions'. It also covers the status index's lag (usually under a second) and a tally's own
 * duration (under the api's 15 s timeout).
 */
export const RECOUNT_SETTLE_MS = 2 * MINUTE;

/**
 * Status index entries one counter item's tally reads per counts read, at most: the tally of a large
 * project goes on over several summaries (polled every 10 s) so that each stays well inside the api's
 * 15 s. 4 items × 2,000 entries of ~110 bytes: under 1 MB, ~110 read units, ≤ 9 calls per item.
 */
export const TALLY_ENTRIES_PER_READ = 2_000;

/** The recount marks a status counter item carries while its recount is under way. */
interface CounterItem {
  readonly pk: string;
  readonly sk: string;
  readonly changes?: number;
  readonly recountedAt?: number;
  /** `changes` when the recount began: any counter write after it makes the tally worthless. */
  readonly recountSeen?: number;
  readonly recountSeenAt?: number;
  /** The tally of the shard's jobs (attribute name → count), so far, then waiting to be written. */
  readonly recountTally?: Record<string, number>;
  /** Where the tally goes on: the index of the stored status, and the key the last count stopped at. */
  readonly recountFrom?: { readonly status: number; readonly key?: CountCursor };
  /** How many counts reads took a slice of the tally (each slice conditional on the one before). */
  readonly recountSlices?: number;
  /** When the tally was complete. */
  readonly recountTalliedAt?: number;
}

export type RecountStep = 'watch' | 'tally' | 'apply';

/**
 * The next step of one status counter item's recount at `now`, if one is due:
 * - `watch`: note its `changes` (the counts are a day old, or a counter write spoiled the last try);
 * - `tally`: a settle period later, and no counter write since, count the shard's jobs per status
 *   in the status index, a slice per counts read (`TALLY_ENTRIES_PER_READ`) until it is complete;
 * - `apply`: a settle period after the tally, and still no counter write, replace the counts by it.
 * A counter write in between sends the item back to `watch`, at most once per settle period.
 */
export function recountStepOf(item: Omit<CounterItem, 'pk' | 'sk'>, now: number): RecountStep | undefined {
  const spoiled = item.recountSeen !== item.changes;
  if (item.recountTalliedAt !== undefined) {
    if (now < item.recountTalliedAt + RECOUNT_SETTLE_MS) return undefined;
    return spoiled ? 'watch' : 'apply';
  }
  if (item.recountSeenAt !== undefined) {
    if (now < item.recountSeenAt + RECOUNT_SETTLE_MS) return undefined;
    return spoiled ? 'watch' : 'tally';
  }
  return now >= (item.recountedAt ?? 0) + RECOUNT_EVERY_MS ? 'watch' : undefined;
}

/**
 * Repairs drift in a project's status counts without a scan, a step at a time, each step a few
 * calls made by whoever reads the counts (the summary) once it is due (`recountStepOf`).
 *
 * Why it waits: a recount that tallies the jobs while a writer is between its job write and its
 * counter write would, by replacing the counts, either lose that write's change (counted before the
 * tally's reads, job written after) or count it twice (job written before, counter write after the
 * replace). Every counter write moves `changes`, so a replace conditional on the `changes` seen
 * before the tally fails on any counter write that landed in between; waiting a settle period
 * before the tally and again before the replace makes every writer that was under way at either
 * moment land inside that window. A writer that died in between never lands: its job was tallied,
 * its count was not, and the replace repairs exactly that.
 */
export class CountUpkeep {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly entriesPerRead = TALLY_ENTRIES_PER_READ,
  ) {}

  /** Advances each of the project's status counter items (as just read) by its due step, if any. */
  async advance(projectId: string, items: readonly Record<string, unknown>[], now: number): Promise<void> {
    await Promise.all(
      items.map(async (raw) => {
        const item = raw as unknown as CounterItem;
        const step = recountStepOf(item, now);
        if (step === 'watch') await this.watch(item, now);
        else if (step === 'tally') await this.tally(projectId, item, now);
        else if (step === 'apply') await this.apply(item, now);
      }),
    );
  }

  /** Notes the item's `changes` as it is when this write lands (copied by DynamoDB, not read before). */
  private async watch(item: CounterItem, now: number) {
    await this.takeStep(
      item,
      'SET recountSeen = if_not_exists(#changes, :zero), recountSeenAt = :now ' +
        'REMOVE recountTally, recountFrom, recountSlices, recountTalliedAt',
      { ':zero': 0, ':now': now },
    );
  }

  /**
   * Counts the next slice of the shard's jobs per stored status in the status index (keys only;
   * Select COUNT), from where the last slice stopped, and notes the sum and where it stopped.
   */
  private async tally(projectId: string, item: CounterItem, now: number) {
    const shard = item.pk.slice(keys.jobCounts(projectId, '').pk.length);
    const tally: Record<string, number> = { ...item.recountTally };
    let status = item.recountFrom?.status ?? 0;
    let key = item.recountFrom?.key;
    let budget = this.entriesPerRead;
    try {
      while (status < STORED_STATUSES.length && budget > 0) {
        const name = `status#${STORED_STATUSES[status]}`;
        const statusKey = keys.jobStatusKey(projectId, STORED_STATUSES[status]!, shard);
        const { count, next } = await countInStatus(this.documents, this.tableName, statusKey, budget, key);
        tally[name] = (tally[name] ?? 0) + count;
        budget -= count;
        key = next;
        if (!next) status += 1;
      }
    } catch (error) {
      // A sandbox table from before the status index: nothing to tally from; the CLI's recount still works.
      if (error instanceof StatusIndexMissingError) return;
      throw error;
    }
    const done = status >= STORED_STATUSES.length;
    await this.takeStep(
      item,
      done
        ? 'SET recountTally = :tally, recountSlices = :nextSlices, recountTalliedAt = :now REMOVE recountFrom'
        : 'SET recountTally = :tally, recountSlices = :nextSlices, recountFrom = :from',
      {
        ':tally': tally,
        ':nextSlices': (item.recountSlices ?? 0) + 1,
        ...(done ? { ':now': now } : { ':from': { status, key } }),
      },
      {},
      { sinceWatch: true },
    );
  }

  /** Replaces the counts by the tally, if no counter write landed since the watch. */
  private async apply(item: CounterItem, now: number) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':now': now, ':one': 1 };
    const sets = ['recountedAt = :now', '#changes = #changes + :one'];
    STORED_STATUSES.forEach((status, i) => {
      names[`#s${i}`] = `status#${status}`;
      values[`:s${i}`] = Number(item.recountTally?.[`status#${status}`] ?? 0);
      sets.push(`#s${i} = :s${i}`);
    });
    await this.takeStep(
      item,
      `SET ${sets.join(', ')} ` +
        'REMOVE recountSeen, recountSeenAt, recountTally, recountFrom, recountSlices, recountTalliedAt',
      values,
      names,
      { sinceWatch: true },
    );
  }

  /**
   * One step's write to the counter item, only while its recount marks are those the step was
   * decided on (`stepCondition`) and, `sinceWatch`, no counter write landed since the watch.
   */
  private async takeStep(
    item: CounterItem,
    update: string,
    values: Record<string, unknown>,
    names: Record<string, string> = {},
    { sinceWatch = false } = {},
  ) {
    const condition = stepCondition(item, { ...names, '#changes': 'changes' }, { ...values });
    await sendConditional(
      this.documents,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: update,
        ...condition,
        ConditionExpression: sinceWatch
          ? `${condition.ConditionExpression} AND #changes = recountSeen`
          : condition.ConditionExpression,
      }),
    );
  }
}

/**
 * Each step only if the item's recount marks are still those it was decided on: two summaries
 * reading the same item at once take the step once.
 */
function stepCondition(item: CounterItem, names: Record<string, string>, values: Record<string, unknown>) {
  const parts = ['attribute_exists(pk)'];
  const mark = (attribute: string, value: number | undefined, placeholder: string) => {
    if (value === undefined) {
      parts.push(`attribute_not_exists(${attribute})`);
    } else {
      parts.push(`${attribute} = ${placeholder}`);
      values[placeholder] = value;
    }
  };
  mark('recountSeenAt', item.recountSeenAt, ':seenAt');
  mark('recountSlices', item.recountSlices, ':slices');
  mark('recountTalliedAt', item.recountTalliedAt, ':talliedAt');
  return {
    ConditionExpression: parts.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
