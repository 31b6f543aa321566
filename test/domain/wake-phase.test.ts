import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, SECOND } from '../../shared/domain/durations';
import type { JobState } from '../../shared/domain/job';
import { nextExpectedAt, parseSchedule } from '../../shared/domain/schedule';
import { applySignal, createState, evaluate, wakeTimeOf } from '../../shared/domain/transitions';
import {
  dueKeyOf,
  nextPhaseTime,
  phaseOf,
  phasePeriodOf,
  phaseRanges,
  phaseVisitStart,
  PHASE_LEAD_MS,
  PHASE_PERIODS,
  planPhase,
  type DueKey,
} from '../../shared/domain/wake-phase';

/**
 * The phase keys of the due index (issue 14, §2) against the rule they must never break: a sweep
 * judges every job whose real wake-up time has passed, and the checker's next look is never after a
 * job's real wake-up time. Checked over random schedules, time zones (days of clock changes
 * included), ping jitter, missed runs and checker timing (sweep gaps, failed invocations).
 */

const SEED = 20261202;

describe('phaseRanges: the phases a sweep visits', () => {
  const period = fc.constantFrom(...PHASE_PERIODS);
  const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) });

  it('are exactly the phases of the instants in (after, upTo]', () => {
    fc.assert(
      fc.property(period, instant, fc.integer({ min: 0, max: 2 * DAY }), fc.integer(), (p, after, gap, pick) => {
        const upTo = after + gap;
        const ranges = phaseRanges(after, upTo, p);
        const inRanges = (phase: number) => ranges.some((range) => range.from <= phase && phase <= range.to);
        // Every instant passed has its phase visited…
        if (gap > 0) {
          const passed = after + 1 + (Math.abs(pick) % gap);
          expect(inRanges(phaseOf(passed, p))).toBe(true);
        }
        // …and every phase visited was passed (a sweep reads nothing it need not).
        for (const range of ranges) {
          for (const phase of [range.from, range.to]) {
            const at = nextPhaseTime(after, p, phase);
            expect(at).toBeGreaterThan(after);
            expect(at).toBeLessThanOrEqual(upTo);
          }
        }
        if (gap === 0) expect(ranges).toEqual([]);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('nextPhaseTime is the first instant after a time with that phase', () => {
    fc.assert(
      fc.property(period, instant, fc.integer({ min: 0, max: DAY - 1 }), (p, after, raw) => {
        const phase = raw % p;
        const at = nextPhaseTime(after, p, phase);
        expect(phaseOf(at, p)).toBe(phase);
        expect(at).toBeGreaterThan(after);
        expect(at - p).toBeLessThanOrEqual(after);
      }),
      { numRuns: 1000, seed: SEED },
    );
  });

  it('a sweep resumes from the last one, at most one longest period back, and after a clock jump visits a whole period', () => {
    const now = Date.UTC(2026, 5, 1, 12);
    expect(phaseVisitStart(now - 10 * SECOND, now)).toBe(now - 10 * SECOND);
    expect(phaseVisitStart(now - 3 * DAY, now)).toBe(now - DAY);
    expect(phaseVisitStart(undefined, now)).toBe(now - DAY);
    expect(phaseVisitStart(now + 10, now)).toBe(now + 10); // another checker got further: nothing new
    expect(phaseVisitStart(now + DAY, now)).toBe(now - DAY); // the clock went back: visit everything once
  });
});

describe('which schedules are indexed by phase', () => {
  it.each([
    ['0 * * * *', HOUR],
    ['17 * * * *', HOUR],
    ['0 3 * * *', DAY],
    ['30 23 * * 1-5', DAY],
    ['0 9,17 * * *', undefined],
    ['*/15 * * * *', undefined],
    ['0 * * * 1-5', undefined],
    ['0 3 1 * *', undefined],
    ['every 1h', undefined],
  ])('%s → %s', (text, period) => {
    expect(phasePeriodOf(parseSchedule(text))).toBe(period);
  });

  it('a write closer to the deadline than PHASE_LEAD_MS keeps the moving key', () => {
    const schedule = parseSchedule('0 * * * *');
    const t0 = Date.UTC(2026, 0, 5, 10);
    const state: JobState = {
      ...createState({ id: 'j', projectId: 'p', schedule, graceMs: 5 * MINUTE, now: t0 }),
      status: 'healthy',
    };
    const deadline = t0 + HOUR + 5 * MINUTE;
    expect(planPhase(state, deadline, deadline - PHASE_LEAD_MS)).toEqual({ periodMs: HOUR, version: state.version });
    expect(planPhase(state, deadline, deadline - PHASE_LEAD_MS + 1)).toBeUndefined();
  });
});

// ---- The simulation: one fleet, the index as the keys the product computes, a checker model ----

/** Zones with clock changes of 1 h, 30 min (Lord Howe) and 45 min offsets, both hemispheres, and none. */
const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
  'Asia/Kolkata',
  'UTC',
];
/** Days on which some of the zones above change their clocks (2026), and a plain day. */
const CHANGE_DAYS = [
  Date.UTC(2026, 2, 8), // US spring forward
  Date.UTC(2026, 2, 29), // EU spring forward
  Date.UTC(2026, 3, 5), // AU, NZ, Chile fall back
  Date.UTC(2026, 8, 27), // NZ spring forward
  Date.UTC(2026, 9, 4), // AU spring forward
  Date.UTC(2026, 9, 25), // EU fall back
  Date.UTC(2026, 10, 1), // US fall back
  Date.UTC(2026, 5, 15),
];

const minute = fc.integer({ min: 0, max: 59 });
const hour = fc.integer({ min: 0, max: 23 });
/** One job of each kind in every fleet, so phase keys and moving keys are both drawn whatever the seed. */
const fleetTexts = fc.tuple(
  minute.map((m) => `${m} * * * *`),
  fc.tuple(minute, hour).map(([m, h]) => `${m} ${h} * * *`),
  fc.tuple(minute, hour).map(([m, h]) => `${m} ${h} * * 1-5`),
  fc
    .tuple(minute, fc.integer({ min: 0, max: 22 }), fc.integer({ min: 0, max: 22 }))
    .map(([m, a, b]) => `${m} ${Math.min(a, b)},${Math.max(a, b) + 1} * * *`),
);
const jobPlan = (text: string) =>
  fc.record({
    text: fc.constant(text),
    zone: fc.constantFrom(...ZONES),
    graceMs: fc.constantFrom(MINUTE, 5 * MINUTE, 17 * MINUTE, 2 * HOUR),
    failureThreshold: fc.constantFrom(1, 2, 3),
    // The first two runs are on time, so the job reaches its phase key; then anything may happen.
    fates: fc
      .array(fc.constantFrom(0, 0, 0, 1, 2, 2), { minLength: 100, maxLength: 100 })
      .map((rest) => [0, 0, ...rest]),
    jitters: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 102, maxLength: 102 }),
  });
const fleet = fleetTexts.chain((texts) => fc.tuple(...texts.map(jobPlan)));
/**
 * The checker's timing: per sweep, the longest it sleeps (seconds inside an invocation, sometimes a
 * failed invocation or an outage of hours) and how late it wakes after the look it asked for.
 */
const checkerTimes = fc.array(
  fc.tuple(
    fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: 1, max: 10 * SECOND }) },
      { weight: 6, arbitrary: fc.integer({ min: 10 * SECOND, max: 2 * MINUTE }) },
      { weight: 1, arbitrary: fc.integer({ min: 2 * MINUTE, max: 5 * HOUR }) },
    ),
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 * SECOND }) },
    ),
  ),
  { minLength: 600, maxLength: 600 },
);

interface Ping {
  readonly at: number;
  readonly job: number;
}

function keyOf(key: DueKey | undefined): string {
  return JSON.stringify(key ?? null);
}

/** When the checker, having visited phases up to `lastVisit`, next needs to look at this key. */
function lookFor(key: DueKey, lastVisit: number | undefined, now: number): number {
  if (key.kind === 'at') return key.at;
  return nextPhaseTime(phaseVisitStart(lastVisit, now), key.periodMs, key.phaseMs);
}

/** Whether a sweep at `now` that visits phases after `after` reads a job with this key. */
function visits(key: DueKey, after: number, now: number): boolean {
  if (key.kind === 'at') return key.at <= now;
  return phaseRanges(after, now, key.periodMs).some((range) => range.from <= key.phaseMs && key.phaseMs <= range.to);
}

describe('phase keys never let a miss be detected late', () => {
  it('every sweep judges every job whose real wake-up time has passed, and the next look is never after one', () => {
    let phaseKeys = 0;
    let movingKeys = 0;
    let detected = 0;
    fc.assert(
      fc.property(
        fleet,
        checkerTimes,
        fc.constantFrom(...CHANGE_DAYS),
        fc.integer({ min: 0, max: 36 * HOUR }),
        (plans, times, changeDay, before) => {
          const start = changeDay - before;
          let states: JobState[] = plans.map((plan, i) => {
            const schedule = parseSchedule(plan.text, plan.zone);
            return createState({
              id: `job-${i}`,
              projectId: 'p',
              schedule,
              graceMs: plan.graceMs,
              failureThreshold: plan.failureThreshold,
              now: start,
            });
          });
          // The pings: each expected run's fate decides whether and when it pings.
          const events: Ping[] = [];
          plans.forEach((plan, job) => {
            let expected = states[job]!.expectedAt!;
            for (let run = 0; run < plan.fates.length && expected < start + 3 * DAY; run += 1) {
              const fate = plan.fates[run]!;
              const jitter = plan.jitters[run]!;
              if (fate === 0) events.push({ at: Math.round(expected + jitter * Math.min(plan.graceMs, MINUTE)), job });
              if (fate === 1) events.push({ at: Math.round(expected + plan.graceMs + 1 + jitter * 30 * MINUTE), job });
              expected = nextExpectedAt(states[job]!.schedule, expected);
            }
          });
          events.sort((a, b) => a.at - b.at);

          let now = start;
          let pinged = 0;
          let lastVisit: number | undefined;
          for (const [gap, delay] of times) {
            // The checker sleeps until the earliest look the index asks for (a late invocation adds
            // a delay), at most `gap`; a gap over two minutes is an outage that ignores the index.
            const looks = states.map((state) => {
              const key = dueKeyOf(state);
              return key ? lookFor(key, lastVisit, now) : Number.POSITIVE_INFINITY;
            });
            const look = Math.min(...looks);
            const wake = gap > 2 * MINUTE ? now + gap : Math.min(now + gap, Math.max(now + 1, look + delay));
            // Pings that arrive meanwhile; each write's key is what the product stores (due-index.ts).
            for (; pinged < events.length && events[pinged]!.at <= wake; pinged += 1) {
              const { at, job } = events[pinged]!;
              states[job] = applySignal(states[job]!, { kind: 'success', at }).state;
            }
            now = wake;
            const after = phaseVisitStart(lastVisit, now);
            states = states.map((state) => {
              const key = dueKeyOf(state);
              const real = wakeTimeOf(state);
              // The rule: a job whose real wake-up time has passed is read by this sweep.
              if (real !== undefined && real <= now) expect(key && visits(key, after, now)).toBe(true);
              if (!key || !visits(key, after, now)) return state;
              // The item is the truth: a job whose wake-up time has not come is skipped.
              if (state.wakeAt === undefined || state.wakeAt > now) return state;
              const judged = evaluate(state, now);
              if (judged.notice || judged.state.streak !== state.streak) detected += 1;
              return judged.state;
            });
            lastVisit = now;
            // The next look (at the start of an invocation, after a sweep) comes no later than any job's wake-up time.
            for (const state of states) {
              const key = dueKeyOf(state);
              const real = wakeTimeOf(state);
              if (key?.kind === 'phase') phaseKeys += 1;
              if (key?.kind === 'at') movingKeys += 1;
              if (real === undefined) continue;
              expect(key, `${state.id} must be indexed`).toBeDefined();
              expect(lookFor(key!, lastVisit, now)).toBeLessThanOrEqual(Math.max(real, now + 1));
              if (key!.kind === 'phase') expect(phaseOf(real, key!.periodMs)).toBe(key!.phaseMs);
            }
          }
        },
      ),
      { numRuns: 30, seed: SEED, endOnFailure: true },
    );
    // Built so that both kinds of key, and misses, occur in every run.
    expect(phaseKeys).toBeGreaterThan(0);
    expect(movingKeys).toBeGreaterThan(0);
    expect(detected).toBeGreaterThan(0);
  });

  it('a daily job in Europe/Berlin keeps one key all summer and moves it once at the clock change', () => {
    const schedule = parseSchedule('0 3 * * *', 'Europe/Berlin');
    const first = Date.UTC(2026, 9, 20, 1, 0, 30); // 03:00:30 CEST
    let state = createState({ id: 'j', projectId: 'p', schedule, graceMs: 5 * MINUTE, now: first - HOUR });
    const keys: string[] = [];
    for (let at = first, day = 0; day < 10; day += 1) {
      state = applySignal(state, { kind: 'success', at }).state;
      keys.push(keyOf(dueKeyOf(state)));
      at = nextExpectedAt(schedule, at) + 30 * SECOND;
    }
    // Day 0 is a flip (moving key); then 01:05 UTC until the 25th, then 02:05 UTC.
    const distinct = [...new Set(keys.slice(1))];
    expect(distinct).toEqual([
      keyOf({ kind: 'phase', periodMs: DAY, phaseMs: HOUR + 5 * MINUTE }),
      keyOf({ kind: 'phase', periodMs: DAY, phaseMs: 2 * HOUR + 5 * MINUTE }),
    ]);
  });
});
