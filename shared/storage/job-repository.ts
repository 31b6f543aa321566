import {
  DeleteCommand,
  GetCommand,
  paginateQuery,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { JobCounts, JobStore, RecountOptions, StateWrite } from '../app/ports/job-store';
import type { Page } from '../app/ports/page';
import { pagesOf } from '../app/pages';
import { DOWN_STATUSES, type JobProfile, type JobState, type Notice, type StoredStatus } from '../domain/job';
import type { Schedule } from '../domain/schedule';
import type { AwsSource } from '../domain/aws-events/source';
import { uniqueKeyOf } from '../domain/unique-key';
import { WriteConflictError } from '../errors';
import { allShards, CursorError, decodeCursor, encodeCursor, keys, shardOf } from './keys';
import { OUTBOX_INDEX } from './table-definition';
import { dueAttributes, DueIndex, wakeFromItem } from './due-index';
import { phaseVisitStart } from '../domain/wake-phase';
import { batchGetAll } from './bulk-reads';
import { isConditionFailure } from './document-client';
import { countsOf, JobCounters, type CountChange, type Counted } from './job-counters';
import { CountUpkeep } from './count-upkeep';
import { jobIdsInStatuses } from './status-index';

/** The hot item as stored. Attribute names stay readable; the item stays well under 1 KB. */
interface StateItem {
  pk: string;
  sk: string;
  projectId: string;
  schedule:
    { kind: 'cron'; expression: string; timezone: string } | { kind: 'interval'; everyMs: number; timezone: string };
  graceMs: number;
  status: JobState['status'];
  statusSince: number;
  version: number;
  lastPingAt?: number;
  lastPingKind?: JobState['lastPingKind'];
  lastSuccessAt?: number;
  lastExitCode?: number;
  lastDurationMs?: number;
  expectedAt?: number;
  runs: Record<string, number>;
  reminderEveryMs?: number;
  remindAt?: number;
  /** Keyed by notice id so a delivered notice can be removed on its own. */
  pending: Record<string, Notice>;
  publishLeaseUntil?: number;
  flap?: JobState['flap'];
  failureThreshold?: number;
  recoveryThreshold?: number;
  maxRuntimeMs?: number;
  minRuntimeMs?: number;
  lateAlert?: boolean;
  streak?: number;
  lateNoticedFor?: number;
  hold?: JobState['hold'];
  pingWindow?: JobState['pingWindow'];
  dueShard?: string;
  dueAt?: number;
  outboxShard?: string;
  outboxAt?: number;
  /** The status index's key: project, stored status and shard (see `keys.jobStatusKey`). */
  statusKey?: string;
}

interface ProfileItem {
  pk: string;
  sk: string;
  jobId: string;
  projectId: string;
  name: string;
  description: string;
  tags: string[];
  channelIds: string[];
  awsSource?: AwsSource;
  createdAt: number;
  updatedAt: number;
}

/**
 * Jobs in DynamoDB: the hot state item (what pings and the checker touch) and the profile item
 * (what people read and edit). Every state write is conditional on the version the writer read.
 */
export class JobRepository implements JobStore {
  private readonly due: DueIndex;
  private readonly counters: JobCounters;
  private readonly upkeep: CountUpkeep;
  private readonly onUpkeepFailed: (error: unknown) => void;

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    {
      tallyEntriesPerRead,
      onUpkeepFailed = () => {},
    }: {
      /** Entries of the status index a daily recount's tally reads per counts read (count-upkeep.ts). */
      tallyEntriesPerRead?: number;
      /** Told when a counts read's recount step failed; the read still answers, the next one tries again. */
      onUpkeepFailed?: (error: unknown) => void;
    } = {},
  ) {
    this.onUpkeepFailed = onUpkeepFailed;
    this.due = new DueIndex(documents, tableName);
    this.counters = new JobCounters(documents, tableName);
    this.upkeep = new CountUpkeep(documents, tableName, tallyEntriesPerRead);
  }

  async create(state: JobState, profile: JobProfile): Promise<void> {
    // The profile goes first: a state without a profile would be a job nobody can see or delete.
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toProfileItem(profile),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toStateItem(state),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await this.putUniqueKey(profile.projectId, profile.id);
    await this.counters.record(profile.projectId, profile.id, undefined, { status: state.status, tags: profile.tags });
  }

  /** The id of the project's job whose `uniqueKeyOf(id)` is `uniqueKey`, if its lookup item exists. */
  async findIdByUniqueKey(projectId: string, uniqueKey: string): Promise<string | undefined> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.jobByUniqueKey(projectId, uniqueKey),
        ConsistentRead: true,
      }),
    );
    return typeof result.Item?.jobId === 'string' ? result.Item.jobId : undefined;
  }

  /**
   * Gives every job of the project its unique-key item, once per project (jobs created before the
   * items existed have none). Returns false when that was already done, so a miss costs one read.
   */
  async indexUniqueKeys(projectId: string): Promise<boolean> {
    const marker = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.uniqueKeysIndexed(projectId), ConsistentRead: true }),
    );
    if (marker.Item) return false;
    for await (const page of pagesOf((cursor) => this.listProfiles(projectId, 200, cursor))) {
      await Promise.all(page.items.map((profile) => this.putUniqueKey(projectId, profile.id)));
    }
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: keys.uniqueKeysIndexed(projectId) }));
    return true;
  }

  private async putUniqueKey(projectId: string, jobId: string): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.jobByUniqueKey(projectId, uniqueKeyOf(jobId)), jobId },
      }),
    );
  }

  async getState(jobId: string): Promise<JobState | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.jobState(jobId), ConsistentRead: true }),
    );
    return result.Item ? fromStateItem(result.Item as StateItem) : undefined;
  }

  async getProfile(projectId: string, jobId: string): Promise<JobProfile | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.jobProfile(projectId, jobId), ConsistentRead: true }),
    );
    return result.Item ? fromProfileItem(result.Item as ProfileItem) : undefined;
  }

  /**
   * Profiles of many jobs (any order); missing ones are left out. BatchGetItem, 100 a call, for
   * several (the checker's mass outage); one GetItem for one, as a ping's publish needs.
   */
  async getProfiles(jobs: readonly { readonly projectId: string; readonly jobId: string }[]): Promise<JobProfile[]> {
    if (jobs.length === 1) {
      const profile = await this.getProfile(jobs[0]!.projectId, jobs[0]!.jobId);
      return profile ? [profile] : [];
    }
    const items = await batchGetAll(
      this.documents,
      this.tableName,
      jobs.map((job) => keys.jobProfile(job.projectId, job.jobId)),
    );
    return items.map((item) => fromProfileItem(item as unknown as ProfileItem));
  }

  /** States of many jobs (any order); missing ones are left out. */
  async getStates(jobIds: readonly string[]): Promise<JobState[]> {
    const items = await batchGetAll(
      this.documents,
      this.tableName,
      jobIds.map((id) => keys.jobState(id)),
    );
    return items.map((item) => fromStateItem(item as unknown as StateItem));
  }

  /**
   * Writes a new state if nobody wrote since `basedOn` was read; throws WriteConflictError
   * otherwise. A Put (not an Update) because the whole small item is rewritten anyway; index
   * keys that did not change cost no index write. A write that changed the status moves the
   * project's counts, one that kept it writes nothing more. The status it replaced is `basedOn`'s:
   * the condition holds only while the stored item is that very version (every write moves it),
   * so the old item is not asked back (that answer cost a sixth of the write's CPU in the sandbox).
   *
   * A change into a down status (missing, failed, overrunning) is counted *before* the state is
   * written, and taken back if the write loses its race: a summary that no longer finds the job in
   * the checker's backlog then always finds it in the counts, so it may show a down job one refresh
   * early but never hides one. Every other change is counted after its write. `countedAhead`: the
   * caller already counted this change with `countAhead` (a sweep counts all its flips in one group
   * before the first); a lost race still takes it back.
   */
  async saveState(
    state: JobState,
    basedOn: Pick<JobState, 'version' | 'status'>,
    { countedAhead = false }: { readonly countedAhead?: boolean } = {},
  ): Promise<void> {
    const readStatus = basedOn.status;
    const change = (from: StoredStatus, to: StoredStatus) => this.counters.recordMany([statusChange(state, from, to)]);
    const countedFirst = isCountedFirst({ state, basedOn });
    // `countedAhead`: the caller counted it with `countAhead`, with the other writes of its sweep.
    if (countedFirst && !countedAhead) await change(readStatus, state.status);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toStateItem(state),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': basedOn.version },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // the write may have landed: the early count stays
      if (countedFirst) await change(state.status, readStatus);
      throw new WriteConflictError({ cause: error });
    }
    if (!countedFirst && readStatus !== state.status) await change(readStatus, state.status);
  }

  async countAhead(writes: readonly StateWrite[]): Promise<void> {
    await this.counters.recordMany(
      writes.filter(isCountedFirst).map(({ state, basedOn }) => statusChange(state, basedOn.status, state.status)),
    );
  }

  async takeBackCountedAhead(writes: readonly StateWrite[]): Promise<void> {
    await this.counters.recordMany(
      writes.filter(isCountedFirst).map(({ state, basedOn }) => statusChange(state, state.status, basedOn.status)),
    );
  }

  /**
   * Takes the job's publish lease if nobody holds a live one and nothing was written since `state`
   * was read. Every outbox write moves the version, so a writer holding an older read can neither
   * drop the lease nor put a published notice back.
   */
  async acquirePublishLease(state: JobState, until: number, now: number): Promise<JobState | undefined> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.jobState(state.id),
          UpdateExpression: 'SET publishLeaseUntil = :until, #version = :next',
          ConditionExpression:
            '#version = :expected AND (attribute_not_exists(publishLeaseUntil) OR publishLeaseUntil < :now)',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':until': until,
            ':next': state.version + 1,
            ':expected': state.version,
            ':now': now,
          },
        }),
      );
      return { ...state, version: state.version + 1, publishLeaseUntil: until };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async releasePublishLease(jobId: string): Promise<void> {
    await this.documents
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.jobState(jobId),
          UpdateExpression: 'REMOVE publishLeaseUntil SET #version = #version + :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  /**
   * Takes one published notice out of the outbox. When it was the last and nothing was written
   * since `state` was read, the same write leaves the outbox index and releases the publish lease
   * (`settled`); otherwise the notice alone goes, and the caller releases the lease and looks again.
   */
  async removeNotice(state: JobState, noticeId: string): Promise<{ state: JobState; settled: boolean }> {
    const last = state.pending.length === 1 && state.pending[0]?.id === noticeId;
    const names = { '#version': 'version', '#pending': 'pending', '#notice': noticeId };
    if (last) {
      try {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.jobState(state.id),
            UpdateExpression: 'REMOVE #pending.#notice, outboxShard, outboxAt, publishLeaseUntil SET #version = :next',
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':next': state.version + 1, ':expected': state.version },
          }),
        );
        return {
          state: { ...state, version: state.version + 1, pending: [], publishLeaseUntil: undefined },
          settled: true,
        };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    const result = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.jobState(state.id),
        UpdateExpression: 'REMOVE #pending.#notice SET #version = #version + :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { state: fromStateItem(result.Attributes as StateItem), settled: false };
  }

  /**
   * Counts one failed publish of a notice still in the outbox; returns the count and the state
   * after the write (which moves the version, like every outbox write).
   */
  async recordPublishFailure(jobId: string, noticeId: string): Promise<{ failures: number; state: JobState }> {
    const result = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.jobState(jobId),
        UpdateExpression: 'ADD #pending.#notice.publishFailures :one, #version :one',
        ConditionExpression: 'attribute_exists(#pending.#notice)',
        ExpressionAttributeNames: { '#version': 'version', '#pending': 'pending', '#notice': noticeId },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const state = fromStateItem(result.Attributes as StateItem);
    return { failures: state.pending.find((notice) => notice.id === noticeId)?.publishFailures ?? 1, state };
  }

  /** Removes the outbox index entry of a job whose outbox is empty (left by a raced acknowledge). */
  async clearOutboxMarker(state: JobState): Promise<void> {
    await this.documents
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.jobState(state.id),
          UpdateExpression: 'REMOVE outboxShard, outboxAt SET #version = :next',
          ConditionExpression: '#version = :expected AND attribute_exists(outboxAt)',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':next': state.version + 1, ':expected': state.version },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async saveProfile(profile: JobProfile): Promise<void> {
    const result = await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toProfileItem(profile),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    const before = (result.Attributes as ProfileItem | undefined)?.tags ?? [];
    await this.counters.record(profile.projectId, profile.id, { tags: before }, { tags: profile.tags });
  }

  jobIdAfter(projectId: string, cursor: string | undefined): string | undefined {
    const start = decodeCursor(cursor);
    if (!start) return undefined;
    if (start.pk !== keys.projectPartition(projectId) || !start.sk.startsWith(keys.jobProfilePrefix)) {
      throw new CursorError();
    }
    return start.sk.slice(keys.jobProfilePrefix.length);
  }

  jobIdsInStatuses(projectId: string, statuses: readonly StoredStatus[], afterId?: string): AsyncIterable<string> {
    return jobIdsInStatuses(this.documents, this.tableName, projectId, statuses, afterId);
  }

  /**
   * The project's counts; given `now`, also takes the step of their daily recount that is due, if
   * any (count-upkeep.ts: a few calls, made once or twice a day per project).
   */
  async counts(projectId: string, now?: number): Promise<JobCounts | undefined> {
    const read = await this.counters.readItems(projectId);
    if (read && now !== undefined) {
      // A repair step that fails (throttled, say) must not fail the summary that carried it.
      await this.upkeep.advance(projectId, read.statusItems, now).catch(this.onUpkeepFailed);
    }
    return read?.counts;
  }

  /**
   * Tallies every job of the project and replaces its counts; retried when a counter write lands
   * meanwhile. Jobs stored before the status index existed get their index key on the way.
   *
   * With `settle` (the CLI: it sleeps RECOUNT_SETTLE_MS), it waits for the writes under way after
   * reading the counters and again after the tally, so that no writer caught between its job write
   * and its counter write can make the replaced counts wrong (count-upkeep.ts says why). Without it
   * (the first summary of a project, which cannot wait that long) the counts are marked as never
   * recounted, so that the summary's daily recount checks them within minutes.
   */
  async recount(projectId: string, now: number, { settle }: RecountOptions = {}): Promise<JobCounts> {
    for (let attempt = 1; ; attempt += 1) {
      const seen = await this.counters.changesSeen(projectId);
      await settle?.();
      const jobs: ({ id: string } & Counted)[] = [];
      for await (const page of pagesOf((cursor) => this.listProfiles(projectId, 200, cursor))) {
        const items = (await batchGetAll(
          this.documents,
          this.tableName,
          page.items.map((profile) => keys.jobState(profile.id)),
        )) as unknown as StateItem[];
        const states = new Map(items.map((item) => [item.pk, item]));
        for (const profile of page.items) {
          const item = states.get(keys.jobPartition(profile.id));
          if (!item) continue;
          jobs.push({ id: profile.id, status: item.status, tags: profile.tags });
          await this.indexStatus(item);
        }
      }
      await settle?.();
      if (await this.counters.replace(projectId, jobs, seen, settle ? now : NEVER_RECOUNTED)) return countsOf(jobs);
      if (attempt >= RECOUNT_ATTEMPTS)
        throw new Error(`the counts of project ${projectId} kept changing during ${attempt} recounts`);
    }
  }

  /** Gives a state item written before the status index existed its key (only if its status is still the one read). */
  private async indexStatus(item: StateItem): Promise<void> {
    const statusKey = keys.jobStatusKey(item.projectId, item.status, shardOf(item.pk.slice('JOB#'.length)));
    if (item.statusKey === statusKey) return;
    await this.documents
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET statusKey = :key',
          ConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':key': statusKey, ':status': item.status },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async listProfiles(projectId: string, limit: number, cursor?: string): Promise<Page<JobProfile>> {
    const partition = keys.projectPartition(projectId);
    const start = decodeCursor(cursor);
    if (start && (start.pk !== partition || !String(start.sk).startsWith(keys.jobProfilePrefix)))
      throw new CursorError();
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.jobProfilePrefix },
        Limit: limit,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => fromProfileItem(item as ProfileItem)),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  /** The cursor that continues `listProfiles` just after this job. */
  profileCursorAfter(projectId: string, jobId: string): string | null {
    return encodeCursor(keys.jobProfile(projectId, jobId));
  }

  /**
   * Ids of jobs whose wake-up time has come, from every shard of the sparse due index at once, and of
   * jobs indexed by a phase the clock passed after `phasesAfter` (by default: any in the last period).
   */
  async dueJobIds(now: number, phasesAfter = phaseVisitStart(undefined, now)): Promise<string[]> {
    return this.due.dueJobIds(now, phasesAfter);
  }

  /** Ids of jobs holding notices written at or before `writtenBefore`. */
  async outboxJobIds(writtenBefore: number): Promise<string[]> {
    return this.acrossShards((shard) => this.indexIds(OUTBOX_INDEX, 'outboxShard', 'outboxAt', shard, writtenBefore));
  }

  /**
   * The earliest wake-up time in the index, if any (a phase key counts from just after
   * `phasesAfter`): lets an idle checker return at once.
   */
  async earliestWake(phasesAfter: number): Promise<number | undefined> {
    return this.due.earliestWake(phasesAfter);
  }

  async lastPhaseVisit(): Promise<number | undefined> {
    return this.due.lastPhaseVisit();
  }

  async savePhaseVisit(upTo: number): Promise<void> {
    await this.due.savePhaseVisit(upTo);
  }

  /** When the oldest notice still in an outbox was written, if any. */
  async earliestOutbox(): Promise<number | undefined> {
    return earliestOf(
      await Promise.all(allShards().map((shard) => this.earliestIn(OUTBOX_INDEX, 'outboxShard', 'outboxAt', shard))),
    );
  }

  private async acrossShards(read: (shard: string) => Promise<string[]>): Promise<string[]> {
    return (await Promise.all(allShards().map(read))).flat();
  }

  /** Deletes a job and everything recorded under it; the counts lose what this call removed. */
  async delete(projectId: string, jobId: string): Promise<void> {
    const state = await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.jobState(jobId), ReturnValues: 'ALL_OLD' }),
    );
    await this.deletePartition(keys.jobPartition(jobId));
    const profile = await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.jobProfile(projectId, jobId), ReturnValues: 'ALL_OLD' }),
    );
    await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.jobByUniqueKey(projectId, uniqueKeyOf(jobId)) }),
    );
    const before = {
      status: (state.Attributes as StateItem | undefined)?.status,
      tags: (profile.Attributes as ProfileItem | undefined)?.tags,
    };
    await this.counters.record(projectId, jobId, before, undefined);
  }

  private async deletePartition(partition: string): Promise<void> {
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ProjectionExpression: 'pk, sk',
      },
    );
    for await (const page of pages) {
      await Promise.all(
        (page.Items ?? []).map((item) =>
          this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } })),
        ),
      );
    }
  }

  private async earliestIn(index: string, shardName: string, timeName: string, shard: string) {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': shardName },
        ExpressionAttributeValues: { ':shard': shard },
        ScanIndexForward: true,
        Limit: 1,
      }),
    );
    const first = result.Items?.[0];
    return first ? Number(first[timeName]) : undefined;
  }

  private async indexIds(index: string, shardName: string, timeName: string, shard: string, upTo: number) {
    const ids: string[] = [];
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: '#shard = :shard AND #time <= :upTo',
        ExpressionAttributeNames: { '#shard': shardName, '#time': timeName },
        ExpressionAttributeValues: { ':shard': shard, ':upTo': upTo },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) ids.push(String(item.pk).slice('JOB#'.length));
    }
    return ids;
  }
}

function toStateItem(state: JobState): StateItem {
  const pending = Object.fromEntries(state.pending.map((notice) => [notice.id, notice]));
  const shard = shardOf(state.id);
  return {
    ...keys.jobState(state.id),
    projectId: state.projectId,
    schedule: { ...state.schedule } as Schedule,
    graceMs: state.graceMs,
    status: state.status,
    statusSince: state.statusSince,
    version: state.version,
    lastPingAt: state.lastPingAt,
    lastPingKind: state.lastPingKind,
    lastSuccessAt: state.lastSuccessAt,
    lastExitCode: state.lastExitCode,
    lastDurationMs: state.lastDurationMs,
    expectedAt: state.expectedAt,
    runs: { ...state.runs },
    reminderEveryMs: state.reminderEveryMs,
    remindAt: state.remindAt,
    pending,
    publishLeaseUntil: state.publishLeaseUntil,
    ...(state.flap ? { flap: state.flap } : {}),
    ...alertRulesOf(state),
    ...(state.hold ? { hold: state.hold } : {}),
    ...(state.pingWindow ? { pingWindow: state.pingWindow } : {}),
    statusKey: keys.jobStatusKey(state.projectId, state.status, shard),
    // Sparse indexes: a job appears in them only while it has something for the checker.
    ...dueAttributes(state, shard),
    ...(state.pending.length > 0
      ? { outboxShard: shard, outboxAt: Math.min(...state.pending.map((notice) => notice.at)) }
      : {}),
  };
}

function fromStateItem(item: StateItem): JobState {
  const pending = Object.values(item.pending ?? {}).sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  const state: Omit<JobState, 'wakeAt' | 'wakePhase'> = {
    id: item.pk.slice('JOB#'.length),
    projectId: item.projectId,
    schedule: item.schedule,
    graceMs: item.graceMs,
    status: item.status,
    statusSince: item.statusSince,
    version: item.version,
    lastPingAt: item.lastPingAt,
    lastPingKind: item.lastPingKind,
    lastSuccessAt: item.lastSuccessAt,
    lastExitCode: item.lastExitCode,
    lastDurationMs: item.lastDurationMs,
    expectedAt: item.expectedAt,
    runs: item.runs ?? {},
    reminderEveryMs: item.reminderEveryMs,
    remindAt: item.remindAt,
    pending,
    publishLeaseUntil: item.publishLeaseUntil,
    ...(item.flap ? { flap: item.flap } : {}),
    ...alertRulesOf(item),
    ...(item.hold ? { hold: item.hold } : {}),
    ...(item.pingWindow ? { pingWindow: item.pingWindow } : {}),
  };
  return { ...state, ...wakeFromItem(state, item) };
}

/**
 * The alert rules and their counts, the same names in the item as in the state. Absent ones stay
 * absent: a job that uses none of them writes no byte more per ping.
 */
function alertRulesOf(from: Partial<Record<AlertRuleField, number | boolean>>) {
  const rules: Partial<Record<AlertRuleField, number | boolean>> = {};
  for (const field of ALERT_RULE_FIELDS) if (from[field] !== undefined) rules[field] = from[field];
  return rules as Pick<JobState, AlertRuleField>;
}

const ALERT_RULE_FIELDS = [
  'failureThreshold',
  'recoveryThreshold',
  'maxRuntimeMs',
  'minRuntimeMs',
  'lateAlert',
  'streak',
  'lateNoticedFor',
] as const;
type AlertRuleField = (typeof ALERT_RULE_FIELDS)[number];

/** A recount tries this often before it gives up on a project whose counts never stop moving. */
const RECOUNT_ATTEMPTS = 5;
/** `recountedAt` of counts tallied without waiting for the writes under way: due for a recount at once. */
const NEVER_RECOUNTED = 0;

function toProfileItem(profile: JobProfile): ProfileItem {
  return {
    ...keys.jobProfile(profile.projectId, profile.id),
    jobId: profile.id,
    projectId: profile.projectId,
    name: profile.name,
    description: profile.description,
    tags: [...profile.tags],
    channelIds: [...profile.channelIds],
    awsSource: profile.awsSource,
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
  };
}

function fromProfileItem(item: ProfileItem): JobProfile {
  return {
    id: item.jobId,
    projectId: item.projectId,
    name: item.name,
    description: item.description ?? '',
    tags: item.tags ?? [],
    channelIds: item.channelIds ?? [],
    ...(item.awsSource ? { awsSource: item.awsSource } : {}),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

function earliestOf(times: readonly (number | undefined)[]): number | undefined {
  const known = times.filter((time): time is number => time !== undefined);
  return known.length ? Math.min(...known) : undefined;
}

/** A change into a down status is counted before its write (see `saveState`); every other one after. */
function isCountedFirst({ state, basedOn }: StateWrite): boolean {
  return basedOn.status !== state.status && DOWN_STATUSES.includes(state.status);
}

function statusChange(state: StateWrite['state'], from: StoredStatus, to: StoredStatus): CountChange {
  return { projectId: state.projectId, jobId: state.id, before: { status: from }, after: { status: to } };
}
