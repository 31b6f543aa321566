import { deadlineOf } from '../../shared/domain/transitions';
import { round, summarize, type CallRecord } from '../support/capacity';
import { benchStack } from '../support/env';
import { mulberry32 } from '../support/stats';
import { parseJobCreate } from '../../shared/app/job-input';

interface Scenario {
  readonly name: string;
  readonly job: Record<string, unknown>;
  readonly pings: number;
  /** Milliseconds between the previous ping and this one (or, for cron, the time of ping i). */
  readonly pingTimes: (start: number, count: number, random: () => number) => number[];
  readonly body: string;
  /** When the scenario starts (default: Monday 7 January 2030, 09:00 UTC). */
  readonly start?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Pings `periodMs` ± 5 s apart, starting 30 s in. */
function jitteredEvery(periodMs: number): Scenario['pingTimes'] {
  return (start, count, random) => {
    const times: number[] = [];
    let t = start + 30_000;
    for (let i = 0; i < count; i += 1) {
      times.push(Math.round(t));
      t += periodMs + (random() * 2 - 1) * 5_000;
    }
    return times;
  };
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'every-minute job, 5 min grace (empty body)',
    job: { name: 'every minute', schedule: 'every 1m', grace_time: 5 },
    pings: 120,
    // 60 s ± 5 s between pings: a crontab line whose run time varies.
    pingTimes: jitteredEvery(MINUTE),
    body: '',
  },
  {
    name: 'every-minute job, 5 min grace, 1 KB output body',
    job: { name: 'every minute with output', schedule: 'every 1m', grace_time: 5 },
    pings: 60,
    pingTimes: (start, count, random) => SCENARIOS[0]!.pingTimes(start, count, random),
    body: 'x'.repeat(1024),
  },
  {
    // Grace equal to the period: between the two above; `npm run cost` uses it for such fleets.
    name: 'every-5-minute job, 5 min grace (empty body)',
    job: { name: 'every five minutes', schedule: 'every 5m', grace_time: 5 },
    pings: 72,
    pingTimes: jitteredEvery(5 * MINUTE),
    body: '',
  },
  {
    name: 'hourly cron job (0 * * * *), 5 min grace',
    job: { name: 'hourly', schedule: '0 * * * *', grace_time: 5 },
    pings: 48,
    pingTimes: everyPeriodAt(HOUR, 0),
    body: '',
  },
  {
    name: 'daily cron job (0 3 * * *), 5 min grace',
    job: { name: 'daily', schedule: '0 3 * * *', grace_time: 5 },
    pings: 30,
    pingTimes: everyPeriodAt(DAY, 3 * HOUR),
    body: '',
  },
  {
    // The phase of its deadline in UTC moves once, at the clock change of 31 March 2030.
    name: 'daily cron job (0 3 * * *, Europe/Berlin) across a DST change, 5 min grace',
    job: { name: 'daily Berlin', schedule: '0 3 * * *', timezone: 'Europe/Berlin', grace_time: 5 },
    pings: 30,
    start: Date.UTC(2030, 2, 16, 9, 0, 0),
    // 03:00 in Berlin: 02:00 UTC before 31 March, 01:00 UTC from then on.
    pingTimes: (start, count, random) =>
      everyPeriodAt(DAY, 2 * HOUR)(start, count, random).map((at) => (at >= Date.UTC(2030, 2, 31) ? at - HOUR : at)),
    body: '',
  },
];

/** A daily job whose run at `offsetMs` after midnight UTC finishes 5–120 s later. */
/** One ping a period (an hour, a day), finishing 5–120 s after `offsetMs` into it, from the first whole period. */
function everyPeriodAt(periodMs: number, offsetMs: number): Scenario['pingTimes'] {
  return (start, count, random) => {
    const firstPeriod = Math.ceil(start / periodMs) * periodMs;
    return Array.from(
      { length: count },
      (_, i) => firstPeriod + i * periodMs + offsetMs + 5_000 + Math.round(random() * 115_000),
    );
  };
}

function perPing(calls: readonly CallRecord[], pings: number) {
  const s = summarize(calls);
  const per: Record<string, number> = {};
  for (const [key, units] of Object.entries(s.breakdown)) per[key] = round(units / pings);
  return { read: round(s.read / pings), write: round(s.write / pings), breakdown: per, calls: round(s.calls / pings) };
}

/**
 * Write and read units per ping, measured on DynamoDB Local with ReturnConsumedCapacity INDEXES,
 * through the real PingService, with a fake clock. After every ping the job is checked: still
 * healthy, and its indexed wake-up time never later than its real deadline (a miss is never late).
 * A checker sweep just before each next ping shows whether the checker ever had to look at it.
 */
export async function runPing(endpoint: string) {
  const out = [];
  for (const scenario of SCENARIOS) {
    const stack = await benchStack(endpoint);
    const { services, meter } = stack;
    const random = mulberry32(42);
    const t0 = scenario.start ?? Date.UTC(2030, 0, 7, 9, 0, 0);
    const project = await services.access.createProject('bench', t0);
    const { secret } = await services.access.createKey(
      { projectId: project.id, role: 'read-write', name: 'bench' },
      t0,
    );
    const principal = await services.access.authenticate(secret, t0);
    meter.label = 'create';
    const { state: created } = await services.jobs.create(principal, parseJobCreate(scenario.job), t0);
    const times = scenario.pingTimes(t0, scenario.pings, random);
    const pingCalls: CallRecord[][] = [];
    let sweepDue = 0;
    let sweepRearmed = 0;
    let unsafe = 0;
    let notHealthy = 0;
    let indexMoves = 0;
    for (let i = 0; i < times.length; i += 1) {
      const at = times[i]!;
      meter.label = 'ping';
      const mark = meter.calls.length;
      await services.pings.record(
        {
          jobId: created.id,
          kind: 'success',
          method: 'GET',
          sourceIp: '203.0.113.7',
          userAgent: 'curl/8.5.0',
          body: scenario.body,
        },
        at,
      );
      pingCalls.push(meter.calls.slice(mark));
      meter.label = 'verify';
      const state = await services.jobRepository.getState(created.id);
      if (!state || state.status !== 'healthy') notHealthy += 1;
      const deadline = state ? deadlineOf(state) : undefined;
      if (state?.wakeAt === undefined || deadline === undefined || state.wakeAt > deadline) unsafe += 1;
      if (meter.calls.slice(mark).some((c) => c.label === 'ping' && (c.indexes.due ?? 0) > 0)) indexMoves += 1;
      // The checker looks just before the next ping would arrive.
      const next = times[i + 1];
      if (next !== undefined) {
        meter.label = 'sweep';
        const report = await services.checker.sweep(next - 1);
        sweepDue += report.due;
        sweepRearmed += report.rearmed;
      }
    }
    const all = pingCalls.flat();
    const sweepCalls = meter.calls.filter((c) => c.label === 'sweep');
    // What the sweeps spent on this job's state item (reads by phase visits, re-arms) apart from
    // what a sweep spends once whatever the fleet (its queries, the phase-visit checkpoint).
    const onJob = sweepCalls.filter((c) => c.target === 'batch-get' || c.target === 'state');
    const perSweep = sweepCalls.filter((c) => c.target !== 'batch-get' && c.target !== 'state');
    const steady = pingCalls.slice(1).flat();
    const firstPing = perPing(pingCalls[0]!, 1);
    out.push({
      scenario: scenario.name,
      pings: times.length,
      bodyBytes: scenario.body.length,
      perPingAll: perPing(all, times.length),
      perPingSteady: perPing(steady, times.length - 1),
      firstPing,
      pingsThatMovedTheDueIndex: indexMoves,
      createJob: summarize(meter.calls.filter((c) => c.label === 'create')),
      checker: {
        jobsSeenDueBeforeNextPing: sweepDue,
        rearmed: sweepRearmed,
        // Units the checker spent on this job (re-arms), spread over its pings.
        writeUnitsPerPing: round(summarize(meter.calls.filter((c) => c.label === 'sweep')).write / times.length),
        readUnitsPerPing: round(summarize(meter.calls.filter((c) => c.label === 'sweep')).read / times.length),
        // One period per ping in these scenarios: the state reads and writes of the sweeps for this job.
        jobReadUnitsPerPeriod: round(summarize(onJob).read / times.length),
        jobWriteUnitsPerPeriod: round(summarize(onJob).write / times.length),
        // Fixed per sweep, shared by the whole fleet (the checkpoint and the index queries).
        sweeps: times.length - 1,
        fixedPerSweep: {
          read: round(summarize(perSweep).read / Math.max(1, times.length - 1)),
          write: round(summarize(perSweep).write / Math.max(1, times.length - 1)),
          breakdown: Object.fromEntries(
            Object.entries(summarize(perSweep).breakdown).map(([key, units]) => [
              key,
              round(units / Math.max(1, times.length - 1)),
            ]),
          ),
        },
      },
      safety: { pingsWhereWakeWasAfterDeadline: unsafe, pingsLeavingJobNotHealthy: notHealthy },
    });
    stack.close();
  }
  return out;
}
