import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { Checker } from '../../shared/app/checker';
import { parseJobCreate, parseJobUpdate } from '../../shared/app/job-input';
import type { JobCounts, JobStore } from '../../shared/app/ports/job-store';
import { summarize } from '../../shared/app/status-reads';
import { WriteConflictError } from '../../shared/errors';
import { JobCounters } from '../../shared/storage/job-counters';
import { STATUSES, STORED_STATUSES, type Status, type StoredStatus } from '../../shared/domain/job';
import { MINUTE } from '../../shared/domain/durations';
import { statusAt } from '../../shared/domain/transitions';
import { keys, shardOf } from '../../shared/storage/keys';
import { CapacityMeter } from '../../bench/support/capacity';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { ensureTable, localDynamoClient } from '../../sandbox/local-store';
import { readSettings } from '../../shared/config';
import { createDocumentClient } from '../../shared/storage/document-client';
import { createTableInput, STATUS_INDEX } from '../../shared/storage/table-definition';
import { createServices } from '../../shared/wiring/services';
import { RecordingBus, servicesFor, silentLogger, successPing } from '../support/services';
import { endpointOf, STORES } from '../support/stores';
import { driftCount } from '../support/count-drift';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const minutely = (over: Record<string, unknown> = {}) =>
  parseJobCreate({ name: 'job', schedule: 'every 1m', grace_time: 1, ...over });

type Context = Awaited<ReturnType<typeof servicesFor>>;

/** The summary as the old code computed it: every job read, `statusAt` of each, every tag. */
async function readEverything({ services, principal }: Context, now: number) {
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;
  const tags = new Set<string>();
  const jobs = await services.jobs.all(principal, now);
  for (const job of jobs) {
    const shown = statusAt(job.state, now);
    // The summary counts a late job as healthy (late is derived from the clock, never stored).
    counts[shown === 'late' ? 'healthy' : shown] += 1;
    job.profile.tags.forEach((tag) => tags.add(tag));
  }
  return { counts, total: jobs.length, tags: [...tags].sort() };
}

/** The stored counts next to a fresh tally of the items (every job read). */
async function storedAndTallied({ services, principal }: Context, now: number) {
  const stored = await services.jobRepository.counts(principal.projectId);
  const statuses = Object.fromEntries(STORED_STATUSES.map((status) => [status, 0])) as Record<StoredStatus, number>;
  const tags: Record<string, number> = {};
  for (const job of await services.jobs.all(principal, now)) {
    statuses[job.state.status] += 1;
    for (const tag of job.profile.tags) tags[tag] = (tags[tag] ?? 0) + 1;
  }
  const tallied: JobCounts = { statuses, tags };
  return { stored, tallied };
}

/** The store, running `inject` once just before its method `before` is first called. */
function injecting(store: JobStore, before: keyof JobStore, inject: () => Promise<unknown>): JobStore {
  let pending: (() => Promise<unknown>) | undefined = inject;
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name !== before) return value.bind(target);
      return async (...args: unknown[]) => {
        const run = pending;
        pending = undefined;
        await run?.();
        return value.apply(target, args);
      };
    },
  });
}

describe.each(STORES)('job counts and the status index on %s', (store) => {
  it('keeps the counts with every write: create, first ping, flip, pause, tag change, delete', async () => {
    const context = await servicesFor(store);
    const { services, principal } = context;
    const a = await services.jobs.create(principal, minutely({ name: 'a', tags: ['db', 'nightly'] }), T0);
    const b = await services.jobs.create(principal, minutely({ name: 'b', tags: ['db'] }), T0);
    const c = await services.jobs.create(principal, minutely({ name: 'c' }), T0);
    // Counter writes alone do not make counts a summary trusts: the first summary recounts once.
    expect(await services.jobRepository.counts(principal.projectId)).toBeUndefined();
    await services.jobs.summary(principal, T0);
    expect(await services.jobRepository.counts(principal.projectId)).toBeDefined();
    expect(await services.jobs.summary(principal, T0)).toEqual(await readEverything(context, T0));

    await services.pings.record(successPing(a.state.id), T0);
    await services.pings.record(successPing(b.state.id), T0);
    await services.jobs.pause(principal, c.state.id, T0);
    await services.jobs.update(principal, b.state.id, parseJobUpdate({ tags: ['web'] }), T0);
    const down = T0 + 2 * MINUTE;
    await services.checker.sweep(down); // a and b go missing
    await services.pings.record(successPing(a.state.id), down); // a recovers
    await services.jobs.remove(principal, c.state.id);

    const summary = await services.jobs.summary(principal, down);
    expect(summary).toEqual(await readEverything(context, down));
    expect(summary.counts).toMatchObject({ healthy: 1, missing: 1, paused: 0, new: 0 });
    expect(summary.tags).toEqual(['db', 'nightly', 'web']);
    const { stored, tallied } = await storedAndTallied(context, down);
    expect(stored).toEqual(tallied);
  });

  it('writes no counter for a ping that keeps the status', async () => {
    const { services, principal, documents, tableName } = await servicesFor(store);
    const { state } = await services.jobs.create(principal, minutely(), T0);
    await services.pings.record(successPing(state.id), T0); // new → healthy: one counter write
    const counter = keys.jobCounts(principal.projectId, shardOf(state.id));
    const changes = async () => {
      const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
      const item = await documents.send(new GetCommand({ TableName: tableName, Key: counter, ConsistentRead: true }));
      return item.Item?.changes;
    };
    const before = await changes();
    expect(before).toBeGreaterThan(0);
    for (let i = 1; i <= 3; i += 1) await services.pings.record(successPing(state.id), T0 + i * MINUTE);
    expect(await changes()).toBe(before);
  });

  it('shows the jobs the checker has not judged yet as the list shows them (its backlog)', async () => {
    const context = await servicesFor(store);
    const { services, principal } = context;
    const { state } = await services.jobs.create(principal, minutely(), T0);
    await services.pings.record(successPing(state.id), T0);
    const overdue = T0 + 2 * MINUTE; // past the deadline, and no sweep ran
    const summary = await services.jobs.summary(principal, overdue);
    expect(summary.counts).toMatchObject({ healthy: 0, missing: 1 });
    expect(summary).toEqual(await readEverything(context, overdue));
    const missing = await services.jobs.list(principal, { status: 'missing' }, 10, overdue);
    expect(missing.items.map((job) => job.state.id)).toEqual([state.id]);
    expect((await services.jobs.list(principal, { status: 'healthy' }, 10, overdue)).items).toEqual([]);
  });

  it('never shows a missing job too few when the checker flips it between the summary’s reads', async () => {
    // The summary reads the checker's backlog (due ids, then their states) and then the counts: a flip
    // may land before any of those reads, or halfway (its counter write, made first, but not its job).
    const overdue = T0 + 2 * MINUTE;
    const points = ['dueJobIds', 'getStates', 'counts', 'after'] as const;
    const seen: Record<string, number> = {};
    for (const point of [...points, 'halfway']) {
      const context = await servicesFor(store);
      const { services, principal, documents, tableName } = context;
      const { state } = await services.jobs.create(principal, minutely(), T0);
      await services.pings.record(successPing(state.id), T0);
      await services.jobs.summary(principal, T0); // the counts exist
      const flip =
        point === 'halfway'
          ? () =>
              new JobCounters(documents, tableName).record(
                principal.projectId,
                state.id,
                { status: 'healthy' },
                { status: 'missing' },
              )
          : () => services.checker.sweep(overdue);
      const jobs = injecting(services.jobRepository, point === 'halfway' ? 'counts' : (point as keyof JobStore), flip);
      const summary = await summarize(jobs, principal.projectId, overdue);
      if (point === 'after') await flip();
      seen[point] = summary.counts.missing;
      expect(summary.counts.missing, point).toBeGreaterThanOrEqual(1);
      expect(summary.counts.missing + summary.counts.healthy, point).toBe(1);
      // Once the flip has landed everywhere, the next refresh is exact.
      if (point !== 'halfway') expect((await services.jobs.summary(principal, overdue)).counts.missing).toBe(1);
    }
    // Exact wherever the reads allow it; one too many (for one refresh) only when the flip lands
    // between the backlog's states and the counts, or has counted itself but not yet stored the job.
    expect(seen).toEqual({ dueJobIds: 1, getStates: 1, counts: 2, after: 1, halfway: 2 });
  });

  it('takes back the early count of a change into a down status that lost its race', async () => {
    const { services, principal } = await servicesFor(store);
    const { state } = await services.jobs.create(principal, minutely(), T0);
    await services.pings.record(successPing(state.id), T0);
    await services.jobs.summary(principal, T0);
    const before = await services.jobRepository.counts(principal.projectId);
    const fresh = (await services.jobRepository.getState(state.id))!;
    // A checker that read the job before the ping: its version is stale.
    const stale = { ...fresh, status: 'missing' as const, version: fresh.version - 1 };
    await expect(
      services.jobRepository.saveState(stale, { version: fresh.version - 1, status: 'healthy' }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    expect(await services.jobRepository.counts(principal.projectId)).toEqual(before);
    // The same change with the right version is counted once.
    await services.jobRepository.saveState({ ...fresh, status: 'missing', version: fresh.version + 1 }, fresh);
    expect((await services.jobRepository.counts(principal.projectId))?.statuses).toMatchObject({
      healthy: 0,
      missing: 1,
    });
  });

  it('filters by status through the index, page by page, as the full listing would', async () => {
    const { services, principal } = await servicesFor(store);
    const ids: string[] = [];
    for (let i = 0; i < 9; i += 1) {
      const { state } = await services.jobs.create(principal, minutely({ name: `job ${i}`, tags: [`t${i % 2}`] }), T0);
      ids.push(state.id);
      if (i % 3 !== 0) await services.pings.record(successPing(state.id), T0);
      if (i % 3 === 2) await services.jobs.pause(principal, state.id, T0);
    }
    const now = T0 + 30_000;
    const late = T0 + MINUTE + 10_000; // healthy jobs past their expected time, inside the grace
    for (const [status, at] of [
      ['new', now],
      ['healthy', now],
      ['paused', now],
      ['late', late],
      ['missing', now],
    ] as const) {
      const expected = (await services.jobs.all(principal, at))
        .filter((job) => statusAt(job.state, at) === status)
        .map((job) => job.state.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await services.jobs.list(principal, { status }, 2, at, cursor);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((job) => job.state.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen, status).toEqual(expected);
    }
    expect(
      (await services.jobs.list(principal, { status: 'healthy', tag: 't1' }, 10, now)).items.map((j) => j.profile.tags),
    ).toEqual([['t1'], ['t1']]);
  });

  it('filters by status on a table made before the status index (an old sandbox folder) by reading the project', async () => {
    const client = localDynamoClient(endpointOf(store));
    const tableName = `test-${randomUUID()}`;
    const input = createTableInput(tableName);
    await client.send(
      new CreateTableCommand({
        ...input,
        GlobalSecondaryIndexes: input.GlobalSecondaryIndexes.filter((index) => index.IndexName !== STATUS_INDEX),
        AttributeDefinitions: input.AttributeDefinitions.filter((a) => a.AttributeName !== 'statusKey'),
      }),
    );
    await ensureTable(client, tableName); // waits until it is active
    const services = createServices({
      documents: createDocumentClient(client),
      settings: readSettings({ TABLE_NAME: tableName, CRONSENTRY_MIN_SECONDS: '60' }),
      bus: new RecordingBus(),
      logger: silentLogger,
      publicUrl: 'https://cronsentry.example',
    });
    const project = await services.access.createProject('old', T0);
    const principal = { projectId: project.id, keyId: 'test', role: 'read-write' } as const;
    const { state } = await services.jobs.create(principal, minutely(), T0);
    await services.pings.record(successPing(state.id), T0);
    const healthy = await services.jobs.list(principal, { status: 'healthy' }, 10, T0 + 1000);
    expect(healthy.items.map((job) => job.state.id)).toEqual([state.id]);
    expect((await services.jobs.summary(principal, T0 + 1000)).counts.healthy).toBe(1);
  });

  it('a recount repairs drifted counts and indexes state items written before the status index', async () => {
    const context = await servicesFor(store);
    const { services, principal, documents, tableName } = context;
    const { state } = await services.jobs.create(principal, minutely({ tags: ['db'] }), T0);
    await services.pings.record(successPing(state.id), T0);
    await services.jobs.summary(principal, T0);
    // A writer that died between its job write and its counter write, and an item from before the index.
    await driftCount({ documents, tableName }, principal.projectId, 'failed', 5);
    await documents.send(
      new UpdateCommand({ TableName: tableName, Key: keys.jobState(state.id), UpdateExpression: 'REMOVE statusKey' }),
    );
    expect((await services.jobs.summary(principal, T0)).counts.failed).toBe(5);
    expect((await services.jobs.list(principal, { status: 'healthy' }, 10, T0)).items).toEqual([]);

    const recounted = await services.jobs.recount(principal, T0);
    expect(recounted.statuses).toMatchObject({ healthy: 1, failed: 0 });
    expect(await services.jobs.summary(principal, T0)).toEqual(await readEverything(context, T0));
    expect((await services.jobs.list(principal, { status: 'healthy' }, 10, T0)).items.map((j) => j.state.id)).toEqual([
      state.id,
    ]);
  });

  it('stays exact under concurrent pings, pauses and two checkers flipping the same jobs', async () => {
    const context = await servicesFor(store);
    const { services, principal } = context;
    const second = new Checker(services.jobRepository, services.outbox, silentLogger);
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const { state } = await services.jobs.create(principal, minutely({ name: `race ${i}` }), T0);
      ids.push(state.id);
    }
    await services.jobs.summary(principal, T0);
    let at = T0;
    for (let round = 0; round < 4; round += 1) {
      await Promise.all(ids.map((id) => services.pings.record(successPing(id), at)));
      at += 2 * MINUTE; // every job past its deadline
      await Promise.all([
        services.checker.sweep(at),
        second.sweep(at),
        ...ids.filter((_, i) => i % 2 === round % 2).map((id) => services.pings.record(successPing(id), at)),
        ...ids.filter((_, i) => i % 4 === round).map((id) => services.jobs.pause(principal, id, at)),
      ]);
      await Promise.all(ids.filter((_, i) => i % 4 === round).map((id) => services.jobs.resume(principal, id, at)));
    }
    const { stored, tallied } = await storedAndTallied(context, at);
    expect(stored).toEqual(tallied);
    // Both sides of the race happened: some jobs were flipped down, some stayed up.
    expect(stored!.statuses.missing).toBeGreaterThan(0);
    expect(stored!.statuses.healthy).toBeGreaterThan(0);
  });
});

// Index write units are read from DynamoDB Local's consumed capacity, which dynalite does not report.
describe('the status index on DynamoDB Local', () => {
  it('writes the status index only when the status changes', async () => {
    const { services, principal, client } = await servicesFor('DynamoDB Local');
    const meter = new CapacityMeter().attach(client);
    const { state } = await services.jobs.create(principal, minutely(), T0);
    const statusIndexUnits = (from: number) => meter.summarize(from).breakdown['write index:status'] ?? 0;
    let mark = meter.calls.length;
    await services.pings.record(successPing(state.id), T0); // new → healthy: the key moves
    expect(statusIndexUnits(mark)).toBe(2); // one index entry out, one in
    mark = meter.calls.length;
    for (let i = 1; i <= 3; i += 1) await services.pings.record(successPing(state.id), T0 + i * MINUTE);
    expect(statusIndexUnits(mark)).toBe(0);
  });
});
