import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertEventOf } from '../../shared/app/alert-bus';
import { HOUR, MINUTE, SECOND } from '../../shared/domain/durations';
import type { JobState, Notice, Signal } from '../../shared/domain/job';
import { nextExpectedAt, parseSchedule, type Schedule } from '../../shared/domain/schedule';
import {
  createState,
  deadlineOf,
  statusAt,
  transition,
  wakeTimeOf,
  type AlertRules,
  type Transition,
} from '../../shared/domain/transitions';

/**
 * Issue 12: failure and recovery thresholds, runtime bounds and late notices, all inside the one
 * pure state machine. Every bound is tested at exactly N−1, N and N+1.
 */
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0); // a Monday, 10:00 UTC
const GRACE = 5 * MINUTE;
const HOURLY = parseSchedule('0 * * * *');

function job(rules: AlertRules = {}, schedule: Schedule = HOURLY, graceMs = GRACE): JobState {
  return createState({ id: 'job-1', projectId: 'project-1', schedule, graceMs, now: T0, ...rules });
}
const ping = (state: JobState, kind: Signal['kind'], at: number, extra: Partial<Signal> = {}) =>
  transition(state, { kind: 'signal', signal: { kind, at, ...extra } });
const check = (state: JobState, now: number) => transition(state, { kind: 'check', now });
/** The alert people get from a transition, if any (`down`, `up`, `late`, …). */
const alertOf = (step: Transition) => (step.notice ? alertEventOf(step.notice) : undefined);

/** Healthy since a success at 10:00:30 (next expected 11:00, missing from 11:05). */
function healthy(rules: AlertRules = {}): JobState {
  return ping(job(rules), 'success', T0 + 30 * SECOND).state;
}

/** `count` fail pings a minute apart from `from`; returns every step. */
function fails(state: JobState, count: number, from = T0 + 10 * MINUTE): Transition[] {
  const steps: Transition[] = [];
  let current = state;
  for (let i = 0; i < count; i += 1) {
    const step = ping(current, 'fail', from + i * MINUTE);
    steps.push(step);
    current = step.state;
  }
  return steps;
}
const last = <T>(items: readonly T[]): T => items[items.length - 1]!;

describe('failure_threshold', () => {
  it('defaults to 1: the first failure alerts, as before', () => {
    const [first] = fails(healthy(), 1);
    expect(first!.state.status).toBe('failed');
    expect(alertOf(first!)).toBe('down');
  });

  it.each([
    [2, 'failing', undefined],
    [3, 'failed', 'down'],
    [4, 'failed', undefined],
  ] as const)('threshold 3, %i consecutive failures: %s, alert %s', (count, status, alert) => {
    const steps = fails(healthy({ failureThreshold: 3 }), count);
    expect(last(steps).state.status).toBe(status);
    expect(alertOf(last(steps))).toBe(alert);
    // Nothing before the threshold alerted; the failing flip is recorded in the history.
    expect(steps.slice(0, Math.min(count, 2)).map(alertOf)).toEqual(Array(Math.min(count, 2)).fill(undefined));
    expect(steps[0]!.notice).toMatchObject({ kind: 'flip', from: 'healthy', to: 'failing' });
    expect(steps[0]!.notice!.reason).toContain('1 of 3 consecutive failed or missed runs');
  });

  it('a good run clears the count: two failures, a success, two failures stay unalerted at threshold 3', () => {
    let state = last(fails(healthy({ failureThreshold: 3 }), 2)).state;
    const cleared = ping(state, 'success', T0 + 20 * MINUTE);
    expect(cleared.state.status).toBe('healthy');
    expect(cleared.state.streak).toBeUndefined();
    expect(alertOf(cleared)).toBeUndefined();
    state = last(fails(cleared.state, 2, T0 + 30 * MINUTE)).state;
    expect(state.status).toBe('failing');
  });

  it.each([
    [2, 'failing'],
    [3, 'missing'],
  ] as const)('threshold 3, %i missed expected pings: %s', (misses, status) => {
    let state = healthy({ failureThreshold: 3 });
    const steps: Transition[] = [];
    const dues: number[] = [];
    for (let i = 0; i < misses; i += 1) {
      const due = deadlineOf(state)!;
      dues.push(due);
      // 1 ms early nothing is counted; at the deadline the miss is.
      expect(check(state, due - 1).notice).toBeUndefined();
      steps.push(check(state, due));
      state = last(steps).state;
    }
    expect(state.status).toBe(status);
    expect(steps.map(alertOf)).toEqual(status === 'missing' ? [undefined, undefined, 'down'] : [undefined, undefined]);
    // Each miss moved the expectation on one scheduled time: 11:00, 12:00, 13:00.
    expect(dues).toEqual([1, 2, 3].slice(0, misses).map((hours) => T0 + hours * HOUR + GRACE));
  });

  it('the 4th miss (N+1) changes nothing: a missing job is not watched for more misses', () => {
    let state = healthy({ failureThreshold: 3 });
    for (let i = 0; i < 3; i += 1) state = check(state, deadlineOf(state)!).state;
    expect(state.status).toBe('missing');
    expect(deadlineOf(state)).toBeUndefined();
    expect(statusAt(state, T0 + 10 * HOUR)).toBe('missing');
  });

  it('statusAt shows what the checker is about to do: failing below the threshold, missing at it', () => {
    const once = healthy({ failureThreshold: 2 });
    expect(statusAt(once, deadlineOf(once)! - 1)).toBe('late');
    expect(statusAt(once, deadlineOf(once)!)).toBe('failing');
    const failing = check(once, deadlineOf(once)!).state;
    expect(statusAt(failing, deadlineOf(failing)!)).toBe('missing');
  });
});

describe('recovery_threshold', () => {
  const down = (rules: AlertRules) => last(fails(healthy(rules), 1)).state;
  const goods = (state: JobState, count: number) => {
    const steps: Transition[] = [];
    for (let i = 0; i < count; i += 1) steps.push(ping(last(steps)?.state ?? state, 'success', T0 + (20 + i) * MINUTE));
    return steps;
  };

  it.each([
    [1, 'failed', undefined],
    [2, 'healthy', 'up'],
    [3, 'healthy', undefined],
  ] as const)('threshold 2, %i good runs after a failure: %s, alert %s', (count, status, alert) => {
    const steps = goods(down({ recoveryThreshold: 2 }), count);
    expect(last(steps).state.status).toBe(status);
    expect(alertOf(last(steps))).toBe(alert);
  });

  it('a failure between good runs starts the count again', () => {
    const state = goods(down({ recoveryThreshold: 2 }), 1);
    const failedAgain = ping(last(state).state, 'fail', T0 + 30 * MINUTE);
    expect(failedAgain.state.status).toBe('failed');
    expect(failedAgain.state.streak).toBeUndefined();
    expect(ping(failedAgain.state, 'success', T0 + 31 * MINUTE).state.status).toBe('failed');
  });
});

describe('max_runtime', () => {
  const MAX = 10 * MINUTE;
  const START = T0 + 10 * MINUTE;
  const running = (rules: AlertRules = { maxRuntimeMs: MAX }) => ping(healthy(rules), 'start', START).state;

  it('the checker wakes at start + max_runtime, not later', () => {
    const state = running();
    expect(wakeTimeOf(state)).toBe(START + MAX);
    expect(state.wakeAt).toBeLessThanOrEqual(START + MAX);
  });

  it.each([
    [-1, 'healthy', undefined],
    [0, 'overrunning', 'down'],
    [1, 'overrunning', 'down'],
  ] as const)('a run still going at start + max %+d ms: %s', (offset, status, alert) => {
    const step = check(running(), START + MAX + offset);
    expect(step.state.status).toBe(status);
    expect(alertOf(step)).toBe(alert);
    if (alert) expect(step.notice!.reason).toContain('still going after its maximum runtime of 10 min');
  });

  it.each([
    [-1, 'healthy'],
    [0, 'healthy'],
    [1, 'failed'],
  ] as const)('a run that finishes at max %+d ms: %s', (offset, status) => {
    const step = ping(running(), 'success', START + MAX + offset);
    expect(step.state.status).toBe(status);
    if (status === 'failed') expect(step.notice!.reason).toBe('finished in 10 min, expected at most 10 min');
  });

  it('an overrunning job recovers when a later run is good; the overrun run finishing late is a failure', () => {
    const over = check(running(), START + MAX).state;
    expect(statusAt(over, START + MAX + HOUR)).toBe('overrunning');
    const finished = ping(over, 'success', START + MAX + MINUTE);
    expect(finished.state.status).toBe('failed');
    const next = ping(ping(finished.state, 'start', START + HOUR).state, 'success', START + HOUR + MINUTE);
    expect(next.state.status).toBe('healthy');
    expect(alertOf(next)).toBe('up');
  });

  it('below the failure threshold an overrun counts as one failed run, and is not counted twice', () => {
    const first = check(running({ maxRuntimeMs: MAX, failureThreshold: 2 }), START + MAX);
    expect(first.state.status).toBe('failing');
    expect(alertOf(first)).toBeUndefined();
    expect(first.state.runs).toEqual({});
    // The judged run is closed: the checker next wakes for the expected ping, not for that run.
    expect(deadlineOf(first.state)).toBe(T0 + HOUR + GRACE);
  });

  it('without max_runtime an open run goes missing after the grace, as before', () => {
    const step = check(running({}), START + GRACE);
    expect(step.state.status).toBe('missing');
  });
});

describe('min_runtime', () => {
  const MIN = 30 * SECOND;
  const START = T0 + 10 * MINUTE;
  const finishAfter = (ms: number) =>
    ping(ping(healthy({ minRuntimeMs: MIN }), 'start', START).state, 'success', START + ms);

  it.each([
    [MIN - 1, 'failed'],
    [MIN, 'healthy'],
    [MIN + 1, 'healthy'],
  ] as const)('a run of %i ms: %s', (ms, status) => {
    expect(finishAfter(ms).state.status).toBe(status);
  });

  it('says how fast the run was, in tenths of a second', () => {
    const step = finishAfter(300);
    expect(step.notice!.reason).toBe('finished in 0.3 s, expected at least 30 s');
    expect(step.state.lastSuccessAt).toBe(T0 + 30 * SECOND); // the too-short run is no success
    expect(finishAfter(MIN - 1).notice!.reason).toBe('finished in 29.9 s, expected at least 30 s');
  });

  it('a finish without a start has no duration to judge', () => {
    expect(ping(healthy({ minRuntimeMs: MIN }), 'success', START).state.status).toBe('healthy');
  });
});

describe('late_alert', () => {
  const EXPECTED = T0 + HOUR;

  it.each([
    [-1, undefined],
    [0, 'late'],
    [1, 'late'],
  ] as const)('the checker at the expected time %+d ms: %s notice', (offset, kind) => {
    const state = healthy({ lateAlert: true });
    expect(wakeTimeOf(state)).toBe(EXPECTED);
    const step = check(state, EXPECTED + offset);
    expect(step.notice?.kind).toBe(kind);
    expect(step.state.status).toBe('healthy');
    if (kind) expect(alertOf(step)).toBe('late');
  });

  it('one late notice per expected ping, then the missing alert at expected + grace', () => {
    const noticed = check(healthy({ lateAlert: true }), EXPECTED).state;
    expect(wakeTimeOf(noticed)).toBe(EXPECTED + GRACE);
    expect(check(noticed, EXPECTED + GRACE - 1).notice).toBeUndefined();
    const missing = check(noticed, EXPECTED + GRACE);
    expect(alertOf(missing)).toBe('down');
  });

  it('is off by default: no wake-up at the expected time', () => {
    expect(wakeTimeOf(healthy())).toBe(EXPECTED + GRACE);
  });
});

describe('settings change', () => {
  it('stores the defaults as absent, so a job without rules keeps its small item', () => {
    const state = transition(healthy({ failureThreshold: 3, maxRuntimeMs: HOUR, lateAlert: true }), {
      kind: 'change',
      change: { failureThreshold: 1, maxRuntimeMs: null, lateAlert: false },
      now: T0 + MINUTE,
    }).state;
    expect(state.failureThreshold).toBeUndefined();
    expect(state.maxRuntimeMs).toBeUndefined();
    expect(state.lateAlert).toBeUndefined();
    expect(Object.keys(healthy())).not.toContain('failureThreshold');
  });
});

/** Time zones with clock changes, and a few without, for the schedule properties. */
const zones = fc.constantFrom(
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Asia/Kolkata',
);
/** Instants spread over two years, clock changes included. */
const instants = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) });
const schedules = fc.constantFrom('0 * * * *', '30 2 * * *', '*/15 * * * *', '0 1-3 * * *');

type Run = 'good' | 'fail' | 'short' | 'long';
const runs = fc.array(fc.constantFrom<Run>('good', 'fail', 'short', 'long'), { minLength: 1, maxLength: 30 });

describe('properties', () => {
  it('an up job goes down exactly at the N-th consecutive bad run, and only then alerts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), runs, (failAt, recoverAt, plan) => {
        const MIN = MINUTE;
        const MAX = 10 * MINUTE;
        const duration: Record<Run, number> = { good: 5 * MINUTE, fail: 5 * MINUTE, short: MIN - 1, long: MAX + 1 };
        let state = healthy({
          failureThreshold: failAt,
          recoveryThreshold: recoverAt,
          minRuntimeMs: MIN,
          maxRuntimeMs: MAX,
        });
        // The reference model: a bad-run count while up, a good-run count while down.
        let down = false;
        let count = 0;
        plan.forEach((run, i) => {
          const start = T0 + (i + 1) * 20 * MINUTE;
          const started = ping(state, 'start', start).state;
          const step = ping(started, run === 'fail' ? 'fail' : 'success', start + duration[run]);
          state = step.state;
          const bad = run !== 'good';
          let expected: 'down' | 'up' | undefined;
          if (!down && bad) {
            count += 1;
            if (count >= failAt) [down, count, expected] = [true, 0, 'down'];
          } else if (!down) count = 0;
          else if (bad) count = 0;
          else {
            count += 1;
            if (count >= recoverAt) [down, count, expected] = [false, 0, 'up'];
          }
          // Flapping may hold an alert back (quiet) but never invents one.
          const alert = alertOf(step);
          if (step.notice?.quiet || step.notice?.kind === 'flapping') expect(expected).toBeDefined();
          else expect(alert).toBe(expected);
          expect(state.status === 'failed').toBe(down);
          if (!down) expect(state.status).toBe(count > 0 ? 'failing' : 'healthy');
          expect(state.streak ?? 0).toBe(count);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a finished run is bad exactly when its duration is outside [min_runtime, max_runtime]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: HOUR }),
        fc.integer({ min: 1, max: HOUR }),
        fc.integer({ min: 0, max: 2 * HOUR }),
        (min, spread, duration) => {
          const max = min + spread;
          const start = T0 + 10 * MINUTE;
          const started = ping(healthy({ minRuntimeMs: min || undefined, maxRuntimeMs: max }), 'start', start).state;
          const step = ping(started, 'success', start + duration);
          expect(step.state.status === 'failed').toBe(duration < min || duration > max);
          expect(step.state.lastDurationMs).toBe(duration);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('in any zone, across clock changes, the N-th missed scheduled time (+ grace) is the one that alerts', () => {
    fc.assert(
      fc.property(zones, schedules, instants, fc.integer({ min: 1, max: 4 }), (zone, text, at, threshold) => {
        const schedule = parseSchedule(text, zone);
        let state = ping(
          createState({ id: 'j', projectId: 'p', schedule, graceMs: GRACE, now: at, failureThreshold: threshold }),
          'success',
          at,
        ).state;
        // The expected times the job misses, one after another, as the schedule itself gives them.
        let expected = nextExpectedAt(schedule, at);
        const alerts: Notice[] = [];
        for (let miss = 1; miss <= threshold; miss += 1) {
          const wake = wakeTimeOf(state)!;
          expect(wake).toBe(expected + GRACE);
          expect(check(state, wake - 1).notice).toBeUndefined();
          const step = check(state, wake);
          state = step.state;
          if (alertOf(step)) alerts.push(step.notice!);
          expect(state.status).toBe(miss < threshold ? 'failing' : 'missing');
          expected = nextExpectedAt(schedule, expected);
        }
        expect(alerts).toHaveLength(1);
        expect(alerts[0]!.to).toBe('missing');
      }),
      { numRuns: 150 },
    );
  });

  it('in any zone, a run started at any instant is overrunning at exactly start + max_runtime', () => {
    fc.assert(
      fc.property(zones, instants, fc.integer({ min: MINUTE, max: 6 * HOUR }), (zone, at, max) => {
        const schedule = parseSchedule('0 3 * * *', zone);
        const base = createState({ id: 'j', projectId: 'p', schedule, graceMs: 12 * HOUR, now: at, maxRuntimeMs: max });
        const started = ping(ping(base, 'success', at).state, 'start', at + SECOND).state;
        const deadline = at + SECOND + max;
        expect(started.wakeAt).toBeLessThanOrEqual(deadline);
        expect(statusAt(started, deadline - 1)).not.toBe('overrunning');
        expect(check(started, deadline - 1).state.status).not.toBe('overrunning');
        // A grace of 12 h puts the schedule's own deadline after every run's (max ≤ 6 h).
        expect(wakeTimeOf(started)).toBe(deadline);
        const step = check(started, deadline);
        expect(step.state.status).toBe('overrunning');
        expect(alertOf(step)).toBe('down');
      }),
      { numRuns: 150 },
    );
  });
});
