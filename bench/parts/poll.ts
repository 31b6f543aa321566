import { STATUSES, type JobState, type Status } from '../../shared/domain/job';
import type { Principal } from '../../shared/app/access';
import type { Services } from '../../shared/wiring/services';
import { deadlineOf, statusAt, transition } from '../../shared/domain/transitions';
import { createDocumentClient } from '../../shared/storage/document-client';
import { RECOUNT_EVERY_MS, RECOUNT_SETTLE_MS } from '../../shared/storage/count-upkeep';
import { JobCounters } from '../../shared/storage/job-counters';
import { round } from '../support/capacity';
import { benchStack } from '../support/env';
import { batchWrite, healthyJob, itemsOf, profileOf } from '../support/fleet';
import { describe } from '../support/stats';

const SIZES = (process.env.BENCH_POLL_SIZES ?? '1000,10000,100000')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
/** The old summary (every job read) is timed up to this fleet size: at 100,000 one call takes minutes. */
const BEFORE_MAX = Number(process.env.BENCH_POLL_BEFORE_MAX ?? 10_000);
/** Calls per timed figure (medians); before and after alternate, so machine load hits both alike. */
const ROUNDS = Number(process.env.BENCH_POLL_ROUNDS ?? 5);
/** The dashboard's overview page size (dashboard/src/pages/overview.tsx). */
const PAGE_SIZE = 50;
/** One job in a hundred is stored missing: what a `?status=missing` filter finds. */
const MISSING_EVERY = 100;
const HOUR = 3_600_000;

/**
 * What one refresh of the dashboard's overview costs as the fleet grows: the project summary, the
 * first page of jobs, and a page filtered by status (`?status=missing`), read units from DynamoDB
 * Local (ReturnConsumedCapacity) through the real JobsService, times as medians. The fleet is seeded
 * with BatchWriteItem from the repository's own items (healthy hourly jobs, 1 % stored missing) and
 * its counts written by the product's own counter code. "Before" is the summary as it was until
 * the counts existed: every job's profile and state read, `statusAt` of each.
 */
export async function runPoll(endpoint: string) {
  const measured = [];
  for (const jobs of SIZES) {
    const stack = await benchStack(endpoint);
    const { services, meter } = stack;
    const t0 = Date.UTC(2030, 0, 7, 9, 0, 0);
    const project = await services.access.createProject('bench', t0);
    const { secret } = await services.access.createKey({ projectId: project.id, role: 'read-only', name: 'poll' }, t0);
    const seedStarted = performance.now();
    await seed(stack.seedClient, stack.tableName, project.id, jobs, t0);
    const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);
    const reader = await services.access.authenticate(secret, t0);
    const now = t0 + 60_000;

    meter.label = 'poll';
    const timed = async <T>(call: () => Promise<T>) => {
      const mark = meter.calls.length;
      const started = performance.now();
      const value = await call();
      return { value, ms: performance.now() - started, units: meter.summarize(mark) };
    };
    const after: number[] = [];
    const before: number[] = [];
    const missingPage: number[] = [];
    const firstPage: number[] = [];
    let summaryUnits;
    let beforeUnits;
    let missingUnits;
    let firstUnits;
    let missingFound = 0;
    for (let i = 0; i < ROUNDS; i += 1) {
      const summary = await timed(() => services.jobs.summary(reader, now));
      after.push(summary.ms);
      summaryUnits = summary.units;
      if (summary.value.total !== jobs) throw new Error(`summary counted ${summary.value.total} of ${jobs} jobs`);
      if (jobs <= BEFORE_MAX) {
        const old = await timed(() => readEverything(services, reader, now));
        before.push(old.ms);
        beforeUnits = old.units;
        if (old.value.missing !== summary.value.counts.missing) throw new Error('before and after disagree');
      }
      const missing = await timed(() => services.jobs.list(reader, { status: 'missing' }, PAGE_SIZE, now));
      missingPage.push(missing.ms);
      missingUnits = missing.units;
      missingFound = missing.value.items.length;
      const page = await timed(() => services.jobs.list(reader, {}, PAGE_SIZE, now));
      firstPage.push(page.ms);
      firstUnits = page.units;
    }
    const recount = await dailyRecount(services, project.id, now, timed);
    measured.push({
      jobs,
      seedSeconds,
      summaryReadUnits: summaryUnits!.read,
      summaryCalls: summaryUnits!.calls,
      summaryMs: describe(after),
      ...(beforeUnits
        ? { beforeSummaryReadUnits: beforeUnits.read, beforeSummaryMs: describe(before) }
        : { beforeSummaryReadUnits: null, beforeSummaryMs: null }),
      missingPage: { jobs: missingFound, readUnits: missingUnits!.read, ms: describe(missingPage) },
      firstPageReadUnits: firstUnits!.read,
      firstPageMs: describe(firstPage),
      recount,
    });
    stack.close();
  }
  const [small, large] = [measured[0]!, measured[measured.length - 1]!];
  const perJob =
    large.jobs === small.jobs ? 0 : (large.summaryReadUnits - small.summaryReadUnits) / (large.jobs - small.jobs);
  return {
    pageSize: PAGE_SIZE,
    measured,
    perPoll: {
      summaryReadUnitsPerJob: round(Math.max(0, perJob), 6),
      summaryFixedReadUnits: round(large.summaryReadUnits - Math.max(0, perJob) * large.jobs, 2),
      firstPageReadUnits: large.firstPageReadUnits,
      apiRequests: 2,
      summaryMedianMs: large.summaryMs.p50,
    },
    note:
      'one refresh = GET /api/jobs/summary + GET /api/jobs?limit=50; authentication reads not included; ' +
      'times are local medians (DynamoDB Local on this machine), before and after alternating',
  };
}

/**
 * The daily recount's steps (count-upkeep.ts), each taken by the counts read a summary makes, a day
 * after the counts were made: the watch, the tally's slices (one per read, until a read writes
 * nothing), a settle period later the apply, then a read that takes no step. Units and time of each;
 * the counts read alone, without the summary's backlog, whose reads a day later (every job overdue)
 * would hide the recount's.
 */
async function dailyRecount(
  services: Services,
  projectId: string,
  countedAt: number,
  timed: <T>(
    call: () => Promise<T>,
  ) => Promise<{ value: T; ms: number; units: { read: number; write: number; calls: number } }>,
) {
  const expected = await services.jobRepository.counts(projectId);
  const read = async (at: number) => {
    const { ms, units } = await timed(() => services.jobRepository.counts(projectId, at));
    return { readUnits: units.read, writeUnits: units.write, calls: units.calls, ms: round(ms, 1) };
  };
  const watchAt = countedAt + RECOUNT_EVERY_MS;
  const watch = await read(watchAt);
  const slices = [];
  for (let slice = await read(watchAt + RECOUNT_SETTLE_MS); slice.writeUnits > 0;) {
    slices.push(slice);
    slice = await read(watchAt + RECOUNT_SETTLE_MS);
  }
  const apply = await read(watchAt + 2 * RECOUNT_SETTLE_MS);
  const none = await read(watchAt + 2 * RECOUNT_SETTLE_MS);
  if (
    JSON.stringify((await services.jobRepository.counts(projectId))?.statuses) !== JSON.stringify(expected?.statuses)
  ) {
    throw new Error('the daily recount changed counts that were right');
  }
  return {
    watch,
    tally: {
      reads: slices.length,
      readUnits: round(
        slices.reduce((sum, slice) => sum + slice.readUnits, 0),
        1,
      ),
      maxReadUnitsPerRead: Math.max(...slices.map((slice) => slice.readUnits)),
      maxCallsPerRead: Math.max(...slices.map((slice) => slice.calls)),
      maxMsPerRead: Math.max(...slices.map((slice) => slice.ms)),
      medianMsPerRead: describe(slices.map((slice) => slice.ms)).p50,
    },
    apply,
    none,
  };
}

/** The fleet, written 25 items a call without the services (creating 10,000 jobs one by one took ~35 min). */
async function seed(
  client: Parameters<typeof createDocumentClient>[0],
  tableName: string,
  projectId: string,
  jobs: number,
  t0: number,
) {
  const documents = createDocumentClient(client);
  const states: JobState[] = [];
  for (let i = 0; i < jobs; i += 1) {
    const healthy = healthyJob({
      projectId,
      schedule: { kind: 'interval', everyMs: HOUR, timezone: 'UTC' },
      graceMs: 300_000,
      lastPingAt: t0,
    });
    states.push(i % MISSING_EVERY === MISSING_EVERY - 1 ? missed(healthy) : healthy);
  }
  // Profile and state; the unique-key lookup item is left out (the overview never reads it).
  const items = (await Promise.all(states.map(async (state) => (await itemsOf(state, true)).slice(0, 2)))).flat();
  await batchWrite(documents, tableName, items, 16);
  const counters = new JobCounters(documents, tableName);
  const counted = states.map((state) => ({ id: state.id, status: state.status, tags: profileOf(state).tags }));
  if (!(await counters.replace(projectId, counted, await counters.changesSeen(projectId), t0))) {
    throw new Error('the fresh counters changed while seeding');
  }
}

/** The job as the checker leaves it when its deadline passed: stored missing, its notice delivered. */
function missed(healthy: JobState): JobState {
  const { state } = transition(healthy, { kind: 'check', now: deadlineOf(healthy)! });
  if (state.status !== 'missing') throw new Error(`a missed deadline left the job ${state.status}`);
  return { ...state, pending: [] };
}

/** The summary as it was before the counts: every job read (all pages), `statusAt` of each. */
async function readEverything(services: Services, principal: Principal, now: number) {
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;
  for (const job of await services.jobs.all(principal, now)) counts[statusAt(job.state, now)] += 1;
  return counts;
}
