import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STORED_STATUSES, type StoredStatus } from '../domain/job';
import type { JobCounts } from '../app/ports/job-store';
import { batchGetAll } from './bulk-reads';
import { sendConditional } from './document-client';
import { allShards, keys, shardOf } from './keys';

/** What the counters know of one job: its stored status and its tags (either may be left out). */
export interface Counted {
  readonly status?: StoredStatus;
  readonly tags?: readonly string[];
}

/** One job's move in the counts (absent: the job did not / does not exist). */
export interface CountChange {
  readonly projectId: string;
  readonly jobId: string;
  readonly before: Counted | undefined;
  readonly after: Counted | undefined;
}

type CounterKey = { pk: string; sk: string };

interface CounterGroup {
  readonly key: CounterKey;
  readonly delta: Map<string, number>;
  readonly callers: { resolve: () => void; reject: (error: unknown) => void }[];
}

/** Attribute names on the counter items: `status#healthy`, `tag#nightly`. */
const STATUS_PREFIX = 'status#';
const TAG_PREFIX = 'tag#';

/**
 * A project's job counts, kept beside the jobs so that `GET /api/jobs/summary` reads a few small
 * items instead of every job:
 * - per stored status, one item per shard (the job's index shard), each in its own partition: a
 *   mass outage's flips spread their counter writes instead of queueing on one item;
 * - per tag, one item (tags change only with a create, an update or a delete, never with a ping).
 *
 * Every write is an atomic `ADD` made after the job's own conditional write succeeded, so
 * concurrent writers commute and each status change (won by exactly one writer) counts once.
 * There are no transactions (dynalite has none), so a process that dies between the two writes
 * leaves the counts off by one: `recount` repairs that, and is also how a project that predates the
 * counters gets them.
 */
export class JobCounters {
  /** Per counter item: the changes waiting for the next `ADD`, and who waits for them. */
  private readonly waiting = new Map<string, CounterGroup>();
  /** Counter items with an `ADD` on its way. */
  private readonly sending = new Set<string>();

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Moves the counts of job `jobId` from `before` to `after` (absent: the job did not / does not exist). */
  async record(projectId: string, jobId: string, before: Counted | undefined, after: Counted | undefined) {
    await this.recordMany([{ projectId, jobId, before, after }]);
  }

  /**
   * Moves the counts of many jobs at once: their changes summed per counter item, one `ADD` per
   * item touched (a sweep about to flip a thousand jobs of one project writes its few status items).
   */
  async recordMany(changes: readonly CountChange[]) {
    const byItem = new Map<string, { key: CounterKey; delta: Map<string, number> }>();
    for (const { projectId, jobId, before, after } of changes) {
      for (const [name, by] of countDelta(before, after)) {
        const key = counterKeyOf(projectId, jobId, name);
        const id = `${key.pk}\n${key.sk}`;
        const item = byItem.get(id) ?? { key, delta: new Map<string, number>() };
        byItem.set(id, item);
        item.delta.set(name, (item.delta.get(name) ?? 0) + by);
      }
    }
    await Promise.all(
      [...byItem.values()].map(({ key, delta }) => {
        const entries = [...delta].filter(([, by]) => by !== 0);
        return entries.length > 0 ? this.add(key, entries) : undefined;
      }),
    );
  }

  /**
   * The project's counts, or undefined until a recount has made them (a project from before the
   * counters existed). The status items are read strongly consistent: the summary reads them after
   * the checker's backlog, and a flip it no longer finds in the backlog must be in these counts
   * (status-reads.ts). The tag item, which no flip touches, is read eventually consistent (half price).
   */
  async read(projectId: string): Promise<JobCounts | undefined> {
    return (await this.readItems(projectId))?.counts;
  }

  /** `read`, with the status counter items as read (their recount marks: count-upkeep.ts). */
  async readItems(
    projectId: string,
  ): Promise<{ counts: JobCounts; statusItems: Record<string, unknown>[] } | undefined> {
    const [statusItems, tagItems] = await Promise.all([
      batchGetAll(this.documents, this.tableName, statusCounterKeys(projectId)),
      batchGetAll(this.documents, this.tableName, [keys.jobTagCounts(projectId)], { consistent: false }),
    ]);
    const items = [...statusItems, ...tagItems];
    if (items.length < counterKeys(projectId).length || items.some((item) => item.recountedAt === undefined)) {
      return undefined;
    }
    return { counts: sumCounts(items), statusItems };
  }

  /** The `changes` number of every counter item (undefined: no item yet), read before a recount's tally. */
  async changesSeen(projectId: string): Promise<Map<string, number | undefined>> {
    const items = await batchGetAll(this.documents, this.tableName, counterKeys(projectId));
    const seen = new Map<string, number | undefined>(counterKeys(projectId).map((key) => [key.pk, undefined]));
    for (const item of items) seen.set(String(item.pk), Number(item.changes ?? 0));
    return seen;
  }

  /**
   * Replaces every counter item with a tally of the jobs as they are now. Each item is replaced only
   * if no counter write reached it since `seen` was read (before the jobs were read); returns false
   * when one did, so the caller tallies again. Counts that fell to zero disappear from the items.
   */
  async replace(
    projectId: string,
    jobs: readonly ({ id: string } & Counted)[],
    seen: Map<string, number | undefined>,
    now: number,
  ) {
    const tallies = new Map<string, Map<string, number>>(counterKeys(projectId).map((key) => [key.pk, new Map()]));
    for (const job of jobs) {
      for (const [name, by] of countDelta(undefined, job)) {
        const key = counterKeyOf(projectId, job.id, name);
        const tally = tallies.get(key.pk)!;
        tally.set(name, (tally.get(name) ?? 0) + by);
      }
    }
    const replaced = await Promise.all(
      counterKeys(projectId).map(async (key) => {
        const before = seen.get(key.pk);
        return sendConditional(
          this.documents,
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              projectId,
              ...Object.fromEntries(tallies.get(key.pk)!),
              changes: (before ?? 0) + 1,
              recountedAt: now,
            },
            ConditionExpression: before === undefined ? 'attribute_not_exists(pk)' : 'changes = :seen',
            ...(before === undefined ? {} : { ExpressionAttributeValues: { ':seen': before } }),
          }),
        );
      }),
    );
    return replaced.every(Boolean);
  }

  /**
   * Adds to one counter item's counts, committed in groups: while an `ADD` to the item is on its
   * way, the changes that arrive meanwhile are summed and go out together in the next one. Each
   * caller still returns only once its own change is written (or with the error that stopped it),
   * so nothing changes for a single write; but the flips of a mass outage, which all land on a
   * project's few counter items, cost a write per group instead of a write each.
   */
  private add(key: CounterKey, entries: readonly [string, number][]): Promise<void> {
    const id = `${key.pk}\n${key.sk}`;
    return new Promise((resolve, reject) => {
      let group = this.waiting.get(id);
      if (!group) {
        group = { key, delta: new Map(), callers: [] };
        this.waiting.set(id, group);
      }
      for (const [name, by] of entries) group.delta.set(name, (group.delta.get(name) ?? 0) + by);
      group.callers.push({ resolve, reject });
      if (!this.sending.has(id)) void this.sendGroups(id);
    });
  }

  /** Sends the item's waiting group, then the one that gathered meanwhile, until none is left. */
  private async sendGroups(id: string): Promise<void> {
    this.sending.add(id);
    try {
      for (let group = this.waiting.get(id); group; group = this.waiting.get(id)) {
        this.waiting.delete(id);
        try {
          await this.sendAdd(group.key, [...group.delta]);
          for (const caller of group.callers) caller.resolve();
        } catch (error) {
          for (const caller of group.callers) caller.reject(error);
        }
      }
    } finally {
      this.sending.delete(id);
    }
  }

  /** One atomic `ADD`; `changes` moves with every write, so a recount can tell one came in between. */
  private async sendAdd(key: CounterKey, entries: readonly [string, number][]) {
    const names: Record<string, string> = { '#changes': 'changes' };
    const values: Record<string, number> = { ':one': 1 };
    const actions = ['#changes :one'];
    entries.forEach(([name, by], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = by;
      actions.push(`#c${i} :c${i}`);
    });
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `ADD ${actions.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}

/** The change of the counters when one job goes from `before` to `after`: attribute name → amount, zeros left out. */
export function countDelta(before: Counted | undefined, after: Counted | undefined): Map<string, number> {
  const delta = new Map<string, number>();
  const add = (name: string, by: number) => {
    const sum = (delta.get(name) ?? 0) + by;
    if (sum === 0) delta.delete(name);
    else delta.set(name, sum);
  };
  if (before?.status) add(STATUS_PREFIX + before.status, -1);
  if (after?.status) add(STATUS_PREFIX + after.status, 1);
  for (const tag of new Set(before?.tags ?? [])) add(TAG_PREFIX + tag, -1);
  for (const tag of new Set(after?.tags ?? [])) add(TAG_PREFIX + tag, 1);
  return delta;
}

/** The counts of these jobs, as `read` would return them once `replace` wrote them. */
export function countsOf(jobs: readonly Counted[]): JobCounts {
  const tally: Record<string, number> = {};
  for (const job of jobs) for (const [name, by] of countDelta(undefined, job)) tally[name] = (tally[name] ?? 0) + by;
  return sumCounts([tally]);
}

/** The counter item a job's count `name` lives on: its shard's status item, or the project's tag item. */
function counterKeyOf(projectId: string, jobId: string, name: string): CounterKey {
  return name.startsWith(STATUS_PREFIX) ? keys.jobCounts(projectId, shardOf(jobId)) : keys.jobTagCounts(projectId);
}

function counterKeys(projectId: string) {
  return [...statusCounterKeys(projectId), keys.jobTagCounts(projectId)];
}

function statusCounterKeys(projectId: string) {
  return allShards().map((shard) => keys.jobCounts(projectId, shard));
}

function sumCounts(items: readonly Record<string, unknown>[]): JobCounts {
  const statuses = Object.fromEntries(STORED_STATUSES.map((status) => [status, 0])) as Record<StoredStatus, number>;
  const tags: Record<string, number> = {};
  for (const item of items) {
    for (const [name, value] of Object.entries(item)) {
      if (name.startsWith(STATUS_PREFIX)) {
        const status = name.slice(STATUS_PREFIX.length) as StoredStatus;
        if (status in statuses) statuses[status] += Number(value);
      } else if (name.startsWith(TAG_PREFIX)) {
        const tag = name.slice(TAG_PREFIX.length);
        tags[tag] = (tags[tag] ?? 0) + Number(value);
      }
    }
  }
  for (const [tag, count] of Object.entries(tags)) if (count <= 0) delete tags[tag];
  return { statuses, tags };
}
