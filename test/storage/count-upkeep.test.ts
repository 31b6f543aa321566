import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { parseJobCreate } from '../../shared/app/job-input';
import { STORED_STATUSES, type StoredStatus } from '../../shared/domain/job';
import { MINUTE } from '../../shared/domain/durations';
import {
  RECOUNT_EVERY_MS,
  RECOUNT_SETTLE_MS as SETTLE,
  recountStepOf,
  type RecountStep,
} from '../../shared/storage/count-upkeep';
import { JobCounters } from '../../shared/storage/job-counters';
import { JobRepository } from '../../shared/storage/job-repository';
import { allShards, keys, shardOf } from '../../shared/storage/keys';
import { driftCount } from '../support/count-drift';
import { servicesFor, successPing } from '../support/services';
import { STORES } from '../support/stores';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
/** Daily jobs: nothing goes overdue while the tests move the clock by minutes. */
const daily = (name: string) => parseJobCreate({ name, schedule: 'every 1d', grace_time: 60 });

type Context = Awaited<ReturnType<typeof servicesFor>>;

/** The project's status counter items as stored (strongly consistent). */
async function counterItems({ documents, tableName, principal }: Context) {
  const result = await documents.send(
    new BatchGetCommand({
      RequestItems: {
        [tableName]: {
          Keys: allShards().map((shard) => keys.jobCounts(principal.projectId, shard)),
          ConsistentRead: true,
        },
      },
    }),
  );
  return result.Responses?.[tableName] ?? [];
}

/** The stored status counts next to a tally of the state items (every job read). */
async function storedAndTallied({ services, principal }: Context, now: number) {
  const stored = (await services.jobRepository.counts(principal.projectId))?.statuses;
  const tallied = Object.fromEntries(STORED_STATUSES.map((status) => [status, 0])) as Record<StoredStatus, number>;
  for (const job of await services.jobs.all(principal, now)) tallied[job.state.status] += 1;
  return { stored, tallied };
}

/**
 * Reads the summary at `at` and says which recount step each counter item took (by the marks it
 * left): the summary is the automatic path that advances the daily recount.
 */
async function summaryAt(context: Context, at: number) {
  const before = await counterItems(context);
  const summary = await context.services.jobs.summary(context.principal, at);
  const after = await counterItems(context);
  const steps = new Map<string, RecountStep>();
  for (const item of after) {
    const old = before.find((candidate) => candidate.pk === item.pk);
    if (old?.recountedAt !== undefined && item.recountedAt !== old.recountedAt) steps.set(item.pk, 'apply');
    else if (item.recountSlices !== undefined && item.recountSlices !== old?.recountSlices) {
      steps.set(item.pk, 'tally');
    } else if (item.recountSeenAt !== undefined && item.recountSeenAt !== old?.recountSeenAt) {
      steps.set(item.pk, 'watch');
    }
  }
  return {
    summary,
    /** The steps taken, over all counter items. */
    taken: [...new Set(steps.values())].sort(),
    /** The step taken by the counter item that counts this job. */
    takenFor: (jobId: string) => steps.get(keys.jobCounts(context.principal.projectId, shardOf(jobId)).pk),
  };
}

/** A flip caught halfway: its job write landed (status and index key), its counter write not yet. */
async function writeStatusOnly({ documents, tableName, principal }: Context, jobId: string, status: StoredStatus) {
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.jobState(jobId),
      UpdateExpression: 'SET #status = :status, statusKey = :key',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ':key': keys.jobStatusKey(principal.projectId, status, shardOf(jobId)),
      },
    }),
  );
}

/** That flip's counter write, landing late. */
async function countLate(
  { documents, tableName, principal }: Context,
  jobId: string,
  from: StoredStatus,
  to: StoredStatus,
) {
  await new JobCounters(documents, tableName).record(principal.projectId, jobId, { status: from }, { status: to });
}

describe('the step of a counter item’s daily recount', () => {
  const fresh = { pk: 'COUNTS#p#0', changes: 4, recountedAt: T0 };
  it.each([
    ['counts younger than a day', fresh, T0 + RECOUNT_EVERY_MS - 1, undefined],
    ['counts a day old', fresh, T0 + RECOUNT_EVERY_MS, 'watch'],
    ['counts never recounted', { ...fresh, recountedAt: 0 }, T0, 'watch'],
    ['watching, inside the settle period', { ...fresh, recountSeen: 4, recountSeenAt: T0 }, T0 + SETTLE - 1, undefined],
    ['watched, quiet', { ...fresh, recountSeen: 4, recountSeenAt: T0 }, T0 + SETTLE, 'tally'],
    ['watched, a counter write since', { ...fresh, recountSeen: 3, recountSeenAt: T0 }, T0 + SETTLE, 'watch'],
    [
      'tallied, inside the settle period',
      { ...fresh, recountSeen: 4, recountSeenAt: T0, recountTalliedAt: T0 + SETTLE },
      T0 + 2 * SETTLE - 1,
      undefined,
    ],
    [
      'tallied, quiet',
      { ...fresh, recountSeen: 4, recountSeenAt: T0, recountTalliedAt: T0 + SETTLE },
      T0 + 2 * SETTLE,
      'apply',
    ],
    [
      'tallied, a counter write since',
      { ...fresh, recountSeen: 3, recountSeenAt: T0, recountTalliedAt: T0 + SETTLE },
      T0 + 2 * SETTLE,
      'watch',
    ],
  ] as const)('%s', (_, item, now, step) => {
    expect(recountStepOf(item, now)).toBe(step);
  });
});

describe.each(STORES)('the daily recount on %s', (store) => {
  /** A project of six daily jobs, pinged once, whose counts the first summary made (and marked unchecked). */
  async function project() {
    const context = await servicesFor(store);
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const { state } = await context.services.jobs.create(context.principal, daily(`job ${i}`), T0);
      ids.push(state.id);
      if (i % 2 === 0) await context.services.pings.record(successPing(state.id), T0);
    }
    return { context, ids };
  }

  it('checks the first summary’s counts within minutes, then repairs drift once a day by itself', async () => {
    const { context } = await project();
    // The first summary tallies without waiting (it cannot wait minutes) and marks its counts unchecked.
    expect((await summaryAt(context, T0)).taken).toEqual([]);
    expect((await summaryAt(context, T0 + 1)).taken).toEqual(['watch']);
    expect((await summaryAt(context, T0 + 1 + SETTLE - 1)).taken).toEqual([]);
    expect((await summaryAt(context, T0 + 1 + SETTLE)).taken).toEqual(['tally']);
    const checked = T0 + 1 + 2 * SETTLE;
    expect((await summaryAt(context, checked)).taken).toEqual(['apply']);
    expect(new Set((await counterItems(context)).map((item) => item.recountedAt))).toEqual(new Set([checked]));

    // A writer died between its job write and its counter write: five jobs too many seem failed.
    await driftCount(context, context.principal.projectId, 'failed', 5);
    const drifted = checked + RECOUNT_EVERY_MS - 1;
    expect((await summaryAt(context, drifted)).summary.counts.failed).toBe(5); // still fresh: nothing to do
    let at = checked + RECOUNT_EVERY_MS;
    expect((await summaryAt(context, at)).taken).toEqual(['watch']);
    at += SETTLE;
    expect((await summaryAt(context, at)).taken).toEqual(['tally']);
    at += SETTLE;
    expect((await summaryAt(context, at)).taken).toEqual(['apply']);
    const { summary } = await summaryAt(context, at);
    expect(summary.counts).toMatchObject({ failed: 0, healthy: 3, new: 3 });
    const { stored, tallied } = await storedAndTallied(context, at);
    expect(stored).toEqual(tallied);
  });

  it('starts over, and never writes a wrong count, when a writer caught between its two writes straddles a step', async () => {
    const { context, ids } = await project();
    const [job] = ids; // healthy
    let at = T0;
    await summaryAt(context, at); // the first counts, unchecked
    at += 1;
    expect((await summaryAt(context, at)).takenFor(job!)).toBe('watch');
    // The job's write lands before the tally, its counter write after the tally and before the apply.
    await writeStatusOnly(context, job!, 'failed');
    at += SETTLE;
    expect((await summaryAt(context, at)).takenFor(job!)).toBe('tally'); // the tally sees the job failed
    await countLate(context, job!, 'healthy', 'failed');
    const between = await storedAndTallied(context, at);
    expect(between.stored).toEqual(between.tallied);
    expect(between.stored).toMatchObject({ failed: 1, healthy: 2 });

    // A second writer: its job write lands before the next watch, its counter write after it.
    await writeStatusOnly(context, job!, 'healthy');
    at += SETTLE;
    // Applying the tally now would have counted the first writer's job twice: the watch starts over.
    expect((await summaryAt(context, at)).takenFor(job!)).toBe('watch');
    await countLate(context, job!, 'failed', 'healthy');
    at += SETTLE;
    expect((await summaryAt(context, at)).takenFor(job!)).toBe('watch'); // the late counter write spoiled it
    at += SETTLE;
    expect((await summaryAt(context, at)).takenFor(job!)).toBe('tally');
    at += SETTLE;
    expect((await summaryAt(context, at)).takenFor(job!)).toBe('apply');
    const { stored, tallied } = await storedAndTallied(context, at);
    expect(stored).toEqual(tallied);
    expect(stored).toMatchObject({ healthy: 3, failed: 0 });
  });

  it('a recount step that fails does not fail the counts read that carried it; the next read takes it', async () => {
    const { context } = await project();
    const { principal, documents, tableName } = context;
    const failures: unknown[] = [];
    const repository = new JobRepository(documents, tableName, { onUpkeepFailed: (error) => failures.push(error) });
    await summaryAt(context, T0); // the first counts, unchecked
    let at = T0 + 1;
    await repository.counts(principal.projectId, at); // watch
    at += SETTLE;
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    documents.middlewareStack.add(
      (next) => async (args) => {
        if ((args.input as { Select?: string }).Select === 'COUNT') throw throttled;
        return next(args);
      },
      { step: 'initialize', name: 'throttleTally' },
    );
    const counts = await repository.counts(principal.projectId, at); // the tally's read is throttled
    expect(counts?.statuses).toEqual((await context.services.jobRepository.counts(principal.projectId))?.statuses);
    expect(failures).toEqual([throttled]);
    expect((await counterItems(context)).some((item) => item.recountTalliedAt !== undefined)).toBe(false);
    documents.middlewareStack.remove('throttleTally');
    await repository.counts(principal.projectId, at);
    expect((await counterItems(context)).some((item) => item.recountTalliedAt !== undefined)).toBe(true);
  });

  it('tallies a large shard a slice per read, and a status change between slices starts it over', async () => {
    const { context, ids } = await project();
    const { principal, documents, tableName } = context;
    // One index entry per slice, as 2,000 are in a project of 100,000 jobs.
    const repository = new JobRepository(documents, tableName, { tallyEntriesPerRead: 1 });
    await summaryAt(context, T0); // the first counts, unchecked
    const job = ids[0]!;
    const counter = keys.jobCounts(principal.projectId, shardOf(job)).pk;
    const item = async () => (await counterItems(context)).find((candidate) => candidate.pk === counter)!;
    const jobsInShard = ids.filter((id) => shardOf(id) === shardOf(job)).length;
    let at = T0 + 1;
    await repository.counts(principal.projectId, at); // watch
    at += SETTLE;
    await repository.counts(principal.projectId, at); // the first slice
    expect((await item()).recountFrom).toBeDefined();
    // A job of the shard is paused between two slices: the next read starts the recount over.
    await context.services.jobs.pause(principal, job, at);
    await repository.counts(principal.projectId, at);
    expect((await item()).recountSlices).toBeUndefined();
    at += SETTLE;
    let slices = 0;
    while ((await item()).recountTalliedAt === undefined) {
      await repository.counts(principal.projectId, at); // no wait between slices
      slices += 1;
      expect(slices).toBeLessThanOrEqual(jobsInShard + 1);
    }
    expect(slices).toBeGreaterThanOrEqual(jobsInShard);
    at += SETTLE;
    await repository.counts(principal.projectId, at);
    expect((await item()).recountedAt).toBe(at);
    const { stored, tallied } = await storedAndTallied(context, at);
    expect(stored).toEqual(tallied);
  });

  it('stays exact while pings, checker sweeps, pauses, creates and deletes race every step', async () => {
    const { context, ids } = await project();
    const { services, principal } = context;
    const everyMinute = parseJobCreate({ name: 'minutely', schedule: 'every 1m', grace_time: 1 });
    const racers: string[] = [];
    for (let i = 0; i < 6; i += 1) racers.push((await services.jobs.create(principal, everyMinute, T0)).state.id);
    await summaryAt(context, T0); // the first counts, unchecked
    let at = T0 + 1;
    const steps: RecountStep[] = [];
    for (let round = 0; round < 6; round += 1) {
      const [, step] = await Promise.all([
        Promise.all([
          ...racers.filter((_, i) => i % 2 === round % 2).map((id) => services.pings.record(successPing(id), at)),
          services.checker.sweep(at), // the others go missing
          round % 3 === 0 ? services.jobs.pause(principal, ids[round % ids.length]!, at) : undefined,
          round % 3 === 1 ? services.jobs.resume(principal, ids[(round - 1) % ids.length]!, at) : undefined,
          round === 2 ? services.jobs.create(principal, daily('late arrival'), at) : undefined,
          round === 4 ? services.jobs.remove(principal, ids[5]!) : undefined,
        ]),
        summaryAt(context, at),
      ]);
      steps.push(...step.taken);
      at += SETTLE;
    }
    // Then the writes stop and the recount gets through.
    for (let quiet = 0; quiet < 3; quiet += 1, at += SETTLE) steps.push(...(await summaryAt(context, at)).taken);
    const { stored, tallied } = await storedAndTallied(context, at);
    expect(stored).toEqual(tallied);
    // The race spoiled some steps (a watch again after one), and the recount still got through.
    expect(steps.filter((step) => step === 'watch').length).toBeGreaterThan(1);
    expect(steps).toContain('apply');
    expect(tallied.missing).toBeGreaterThan(0);
  });

  it('a CLI recount racing a writer caught between its two writes retries instead of counting it twice', async () => {
    const { context, ids } = await project();
    const { services, principal } = context;
    await summaryAt(context, T0);
    const [job] = ids;
    const during: (() => Promise<void>)[] = [
      () => writeStatusOnly(context, job!, 'failed'), // after the counters were read: the tally sees it
      () => countLate(context, job!, 'healthy', 'failed'), // after the tally, before the replace
    ];
    let settles = 0;
    const counts = await services.jobRepository.recount(principal.projectId, T0 + MINUTE, {
      settle: async () => {
        settles += 1;
        await during.shift()?.();
      },
    });
    expect(settles).toBe(4); // two tries: the first one's replace was refused
    expect(counts.statuses).toMatchObject({ failed: 1, healthy: 2, new: 3 });
    const { stored, tallied } = await storedAndTallied(context, T0 + MINUTE);
    expect(stored).toEqual(tallied);
    // A recount that waited for the writes under way is not checked again before a day has passed.
    expect(new Set((await counterItems(context)).map((item) => item.recountedAt))).toEqual(new Set([T0 + MINUTE]));
  });
});
