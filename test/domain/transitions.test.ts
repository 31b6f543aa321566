import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, SECOND } from '../../shared/domain/durations';
import type { JobState, Signal } from '../../shared/domain/job';
import { parseSchedule } from '../../shared/domain/schedule';
import {
  MAX_OPEN_RUNS,
  applySignal,
  createState,
  deadlineOf,
  evaluate,
  pause,
  reschedule,
  resume,
  statusAt,
  wakeTimeOf,
} from '../../shared/domain/transitions';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0); // a Monday, 10:00 UTC
const GRACE = 5 * MINUTE;
const HOURLY = parseSchedule('0 * * * *');
const iso = (ms: number) => new Date(ms).toISOString();

function newJob(extra: { reminderEveryMs?: number } = {}): JobState {
  return createState({ id: 'job-1', projectId: 'project-1', schedule: HOURLY, graceMs: GRACE, now: T0, ...extra });
}

function signal(state: JobState, kind: Signal['kind'], at: number, extra: Partial<Signal> = {}) {
  return applySignal(state, { kind, at, ...extra });
}

/** Healthy since a success at 10:00:30: next expected 11:00, missing from 11:05. */
function healthyJob(extra: { reminderEveryMs?: number } = {}): JobState {
  return signal(newJob(extra), 'success', T0 + 30 * SECOND).state;
}
const EXPECTED = T0 + HOUR;
const DEADLINE = EXPECTED + GRACE;

function missingJob(extra: { reminderEveryMs?: number } = {}): JobState {
  return evaluate(healthyJob(extra), DEADLINE).state;
}

describe('createState', () => {
  it('starts new, version 1, expecting the next scheduled time, with nothing to wake for', () => {
    const state = newJob();
    expect(state).toMatchObject({ status: 'new', statusSince: T0, version: 1, expectedAt: EXPECTED, runs: {} });
    expect(state.pending).toEqual([]);
    expect(state.wakeAt).toBeUndefined();
    expect(state.reminderEveryMs).toBeUndefined();
    expect(wakeTimeOf(state)).toBeUndefined();
  });
});

describe('statusAt', () => {
  const state = healthyJob();

  it.each<[string, number, string]>([
    ['1 ms before the expected time', EXPECTED - 1, 'healthy'],
    ['exactly at the expected time', EXPECTED, 'late'],
    ['1 ms before the deadline', DEADLINE - 1, 'late'],
    ['exactly at the deadline (inclusive)', DEADLINE, 'missing'],
    ['long after the deadline', DEADLINE + HOUR, 'missing'],
  ])('%s → %s', (_, now, status) => {
    expect(statusAt(state, now)).toBe(status);
  });

  it('a run open for longer than the grace is missing before the expected time', () => {
    const running = signal(state, 'start', T0 + 10 * MINUTE).state;
    expect(statusAt(running, T0 + 15 * MINUTE - 1)).toBe('healthy');
    expect(statusAt(running, T0 + 15 * MINUTE)).toBe('missing');
  });

  it.each(['new', 'paused', 'failed', 'missing'] as const)('a %s job stays %s whatever the time', (status) => {
    expect(statusAt({ ...state, status }, DEADLINE + HOUR)).toBe(status);
  });
});

describe('applySignal', () => {
  it('success on a new job flips it to healthy', () => {
    const at = T0 + 30 * SECOND;
    const { state, notice } = signal(newJob(), 'success', at);
    expect(notice).toEqual({
      id: 'job-1:2',
      kind: 'flip',
      jobId: 'job-1',
      projectId: 'project-1',
      from: 'new',
      to: 'healthy',
      at,
      reason: 'first ping received',
    });
    expect(state).toMatchObject({
      status: 'healthy',
      statusSince: at,
      version: 2,
      lastPingAt: at,
      lastPingKind: 'success',
      lastSuccessAt: at,
      expectedAt: EXPECTED,
      wakeAt: DEADLINE,
    });
    expect(state.pending).toEqual([notice]);
    expect(deadlineOf(state)).toBe(DEADLINE);
  });

  it('success on a healthy job writes without a notice', () => {
    const before = healthyJob();
    const at = EXPECTED + 20 * SECOND;
    const { state, notice } = signal(before, 'success', at);
    expect(notice).toBeUndefined();
    expect(state.status).toBe('healthy');
    expect(state.version).toBe(before.version + 1);
    expect(state.expectedAt).toBe(EXPECTED + HOUR);
    expect(state.pending).toEqual(before.pending);
  });

  it('success on a missing job flips it back to healthy and says for how long it was missing', () => {
    const missing = missingJob();
    const at = DEADLINE + 10 * MINUTE;
    const { state, notice } = signal(missing, 'success', at);
    expect(notice).toMatchObject({ kind: 'flip', from: 'missing', to: 'healthy', at });
    expect(notice?.reason).toBe('a success ping arrived after 10 min missing');
    expect(state).toMatchObject({ status: 'healthy', statusSince: at, expectedAt: T0 + 2 * HOUR });
    expect(state.wakeAt).toBe(T0 + 2 * HOUR + GRACE);
    expect(state.remindAt).toBeUndefined();
  });

  it('fail with an exit code flips to failed with the code in the reason', () => {
    const at = EXPECTED + 10 * SECOND;
    const { state, notice } = signal(healthyJob(), 'fail', at, { exitCode: 3 });
    expect(notice).toMatchObject({ from: 'healthy', to: 'failed', reason: 'the job exited with code 3' });
    expect(state).toMatchObject({ status: 'failed', lastExitCode: 3, lastPingKind: 'fail' });
    expect(state.lastSuccessAt).toBe(T0 + 30 * SECOND);
    // Down and no reminders: nothing left for the checker to do.
    expect(state.wakeAt).toBeUndefined();
  });

  it('fail without an exit code says the job signalled a failure', () => {
    expect(signal(healthyJob(), 'fail', EXPECTED).notice?.reason).toBe('the job signalled a failure');
  });

  it('a second fail on a failed job records the ping but does not alert again', () => {
    const failed = signal(healthyJob(), 'fail', EXPECTED, { exitCode: 1 }).state;
    const { state, notice } = signal(failed, 'fail', EXPECTED + HOUR, { exitCode: 2 });
    expect(notice).toBeUndefined();
    expect(state).toMatchObject({ status: 'failed', lastExitCode: 2, version: failed.version + 1 });
    expect(state.pending).toHaveLength(failed.pending.length);
  });

  it('log changes nothing and notifies nobody', () => {
    const before = healthyJob();
    const result = signal(before, 'log', EXPECTED);
    expect(result.state).toBe(before);
    expect(result.notice).toBeUndefined();
  });

  it('start opens a run; success with the same run id closes it and records the duration', () => {
    const started = signal(healthyJob(), 'start', EXPECTED, { runId: 'r1' });
    expect(started.notice).toBeUndefined();
    expect(started.state.runs).toEqual({ r1: EXPECTED });
    expect(started.state.lastPingKind).toBe('start');
    const done = signal(started.state, 'success', EXPECTED + 90 * SECOND, { runId: 'r1' }).state;
    expect(done.runs).toEqual({});
    expect(done.lastDurationMs).toBe(90 * SECOND);
  });

  it('keeps overlapping runs apart by run id', () => {
    let state = signal(healthyJob(), 'start', EXPECTED, { runId: 'a' }).state;
    state = signal(state, 'start', EXPECTED + 10 * SECOND, { runId: 'b' }).state;
    expect(state.runs).toEqual({ a: EXPECTED, b: EXPECTED + 10 * SECOND });
    state = signal(state, 'success', EXPECTED + 30 * SECOND, { runId: 'b' }).state;
    expect(state.runs).toEqual({ a: EXPECTED });
    expect(state.lastDurationMs).toBe(20 * SECOND);
    state = signal(state, 'success', EXPECTED + 60 * SECOND, { runId: 'a' }).state;
    expect(state.runs).toEqual({});
    expect(state.lastDurationMs).toBe(60 * SECOND);
  });

  it('a finish without a run id pairs only with a start without one, and ends every open run (Healthchecks)', () => {
    let state = signal(healthyJob(), 'start', EXPECTED).state;
    state = signal(state, 'start', EXPECTED + 10 * SECOND, { runId: 'b' }).state;
    state = signal(state, 'success', EXPECTED + 15 * SECOND).state;
    expect(state.runs).toEqual({});
    expect(state.lastDurationMs).toBe(15 * SECOND);
    state = signal(state, 'start', EXPECTED + 20 * SECOND, { runId: 'c' }).state;
    state = signal(state, 'success', EXPECTED + 25 * SECOND).state;
    expect(state.runs).toEqual({});
    expect(state.lastDurationMs).toBeUndefined();
  });

  it('a fail ends every open run; its duration comes only from the run with its id', () => {
    let state = signal(healthyJob(), 'start', EXPECTED, { runId: 'a' }).state;
    state = signal(state, 'start', EXPECTED + 10 * SECOND, { runId: 'b' }).state;
    state = signal(state, 'fail', EXPECTED + 30 * SECOND, { runId: 'b' }).state;
    expect(state.runs).toEqual({});
    expect(state.lastDurationMs).toBe(20 * SECOND);
  });

  it('a finish with an unknown run id closes nothing and has no duration', () => {
    let state = signal(healthyJob(), 'start', EXPECTED, { runId: 'a' }).state;
    state = signal(state, 'success', EXPECTED + 15 * SECOND, { runId: 'zzz' }).state;
    expect(state.runs).toEqual({ a: EXPECTED });
    expect(state.lastDurationMs).toBeUndefined();
  });

  it(`keeps only the newest ${MAX_OPEN_RUNS} open runs`, () => {
    let state = healthyJob();
    for (let i = 0; i < MAX_OPEN_RUNS + 3; i += 1) {
      state = signal(state, 'start', EXPECTED + i * SECOND, { runId: `run-${i}` }).state;
    }
    const kept = Object.keys(state.runs).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
    expect(kept).toEqual(Array.from({ length: MAX_OPEN_RUNS }, (_, i) => `run-${i + 3}`));
  });

  it('start on a paused job leaves it paused (Healthchecks) and opens the run', () => {
    const paused = pause(healthyJob(), T0 + 5 * MINUTE).state;
    const at = T0 + 3 * HOUR + 10 * SECOND;
    const { state, notice } = signal(paused, 'start', at, { runId: 'r' });
    expect(notice).toBeUndefined();
    expect(state).toMatchObject({ status: 'paused', runs: { r: at } });
    expect(state.wakeAt).toBeUndefined();
    const done = signal(state, 'success', at + 40 * SECOND, { runId: 'r' });
    expect(done.notice).toMatchObject({ from: 'paused', to: 'healthy' });
    expect(done.state.lastDurationMs).toBe(40 * SECOND);
  });

  it('fail on a paused job un-pauses it as failed', () => {
    const paused = pause(healthyJob(), T0 + 5 * MINUTE).state;
    const { state, notice } = signal(paused, 'fail', T0 + HOUR);
    expect(notice).toMatchObject({ from: 'paused', to: 'failed' });
    expect(state.status).toBe('failed');
  });

  it('success on a paused job resumes it', () => {
    const paused = pause(healthyJob(), T0 + 5 * MINUTE).state;
    const { state, notice } = signal(paused, 'success', T0 + 2 * HOUR);
    expect(notice).toMatchObject({ from: 'paused', to: 'healthy', reason: 'a ping resumed the paused job' });
    expect(state.expectedAt).toBe(T0 + 3 * HOUR);
  });

  it('bumps the version by one per write and names each notice after the write that made it', () => {
    let state = newJob();
    const ids: string[] = [];
    const steps: ((s: JobState) => { state: JobState; notice?: { id: string } })[] = [
      (s) => signal(s, 'success', T0 + 30 * SECOND), // flip
      (s) => signal(s, 'start', EXPECTED), // no flip
      (s) => signal(s, 'success', EXPECTED + 30 * SECOND), // no flip
      (s) => signal(s, 'fail', EXPECTED + HOUR, { exitCode: 1 }), // flip
      (s) => signal(s, 'success', EXPECTED + 2 * HOUR), // flip
      (s) => evaluate(s, EXPECTED + 3 * HOUR + GRACE), // flip to missing
    ];
    for (const [i, step] of steps.entries()) {
      const result = step(state);
      expect(result.state.version).toBe(state.version + 1);
      expect(result.state.version).toBe(i + 2);
      if (result.notice) {
        expect(result.notice.id).toBe(`job-1:${result.state.version}`);
        ids.push(result.notice.id);
      }
      state = result.state;
    }
    expect(ids).toEqual(['job-1:2', 'job-1:5', 'job-1:6', 'job-1:7']);
    expect(state.pending.map((n) => n.id)).toEqual(ids);
  });
});

describe('evaluate', () => {
  it('flips a healthy job past its deadline to missing exactly once', () => {
    const first = evaluate(healthyJob(), DEADLINE);
    expect(first.notice).toMatchObject({ kind: 'flip', from: 'healthy', to: 'missing', at: DEADLINE });
    expect(first.notice?.reason).toBe(`expected a ping at ${iso(EXPECTED)}; none arrived within the grace of 5 min`);
    expect(first.state).toMatchObject({ status: 'missing', statusSince: DEADLINE });
    expect(first.state.wakeAt).toBeUndefined();
    const again = evaluate(first.state, DEADLINE + HOUR);
    expect(again.notice).toBeUndefined();
    expect(again.state.status).toBe('missing');
    expect(again.state.pending).toEqual(first.state.pending);
  });

  it('only re-arms a job that is not due yet', () => {
    const before = healthyJob();
    const { state, notice } = evaluate({ ...before, wakeAt: EXPECTED - MINUTE }, EXPECTED - MINUTE);
    expect(notice).toBeUndefined();
    expect(state.status).toBe('healthy');
    expect(state.wakeAt).toBe(DEADLINE);
    expect(state.version).toBe(before.version + 1);
  });

  it('flips to missing when a started run does not finish within the grace', () => {
    const start = T0 + 20 * MINUTE;
    const running = signal(healthyJob(), 'start', start, { runId: 'r' }).state;
    expect(evaluate(running, start + GRACE - 1).notice).toBeUndefined();
    const { state, notice } = evaluate(running, start + GRACE);
    expect(state.status).toBe('missing');
    expect(notice?.reason).toBe(`a run started at ${iso(start)} did not finish within its grace of 5 min`);
  });

  it('reminds while missing, every reminderEveryMs, and moves remindAt past now', () => {
    const missing = missingJob({ reminderEveryMs: HOUR });
    expect(missing.remindAt).toBe(DEADLINE + HOUR);
    expect(missing.wakeAt).toBe(DEADLINE + HOUR);
    expect(evaluate(missing, DEADLINE + HOUR - 1).notice).toBeUndefined();

    const first = evaluate(missing, DEADLINE + HOUR);
    expect(first.notice).toMatchObject({
      id: `job-1:${missing.version + 1}`,
      kind: 'reminder',
      from: 'missing',
      to: 'missing',
      reason: 'still missing after 1 h',
    });
    expect(first.state).toMatchObject({ status: 'missing', statusSince: DEADLINE, remindAt: DEADLINE + 2 * HOUR });
    expect(first.state.wakeAt).toBe(DEADLINE + 2 * HOUR);
    expect(first.state.pending.at(-1)).toEqual(first.notice);

    // A checker that was away for a while sends one reminder, not one per missed hour.
    const late = evaluate(first.state, DEADLINE + 4.5 * HOUR);
    expect(late.state.pending.filter((n) => n.kind === 'reminder')).toHaveLength(2);
    expect(late.state.remindAt).toBe(DEADLINE + 5 * HOUR);
    expect(late.state.remindAt!).toBeGreaterThan(DEADLINE + 4.5 * HOUR);
  });

  it('reminds while failed too', () => {
    const failed = signal(healthyJob({ reminderEveryMs: HOUR }), 'fail', EXPECTED).state;
    expect(failed.remindAt).toBe(EXPECTED + HOUR);
    expect(evaluate(failed, EXPECTED + HOUR).notice).toMatchObject({ kind: 'reminder', from: 'failed' });
  });

  it('never reminds without reminderEveryMs', () => {
    const missing = missingJob();
    expect(missing.remindAt).toBeUndefined();
    expect(evaluate(missing, DEADLINE + 30 * HOUR).notice).toBeUndefined();
  });

  it('a new job never goes missing', () => {
    const { state, notice } = evaluate(newJob(), T0 + 30 * HOUR);
    expect(notice).toBeUndefined();
    expect(state.status).toBe('new');
    expect(state.wakeAt).toBeUndefined();
  });
});

describe('pause, resume, reschedule', () => {
  it('pause stops monitoring: no runs, no expectation, nothing to wake for', () => {
    const running = signal(healthyJob({ reminderEveryMs: HOUR }), 'start', EXPECTED).state;
    const { state, notice } = pause(running, EXPECTED + MINUTE);
    expect(notice).toMatchObject({ from: 'healthy', to: 'paused', reason: 'paused by a user' });
    expect(state).toMatchObject({ status: 'paused', runs: {} });
    expect(state.expectedAt).toBeUndefined();
    expect(state.wakeAt).toBeUndefined();
    expect(state.remindAt).toBeUndefined();
    expect(evaluate(state, EXPECTED + 30 * HOUR).notice).toBeUndefined();
  });

  it('pause on a paused job and resume on a running one change nothing', () => {
    const paused = pause(healthyJob(), EXPECTED).state;
    expect(pause(paused, EXPECTED + HOUR)).toEqual({ state: paused });
    const healthy = healthyJob();
    expect(resume(healthy, EXPECTED)).toEqual({ state: healthy });
  });

  it('resume restarts monitoring from now', () => {
    const now = T0 + 5 * HOUR + 10 * MINUTE;
    const { state, notice } = resume(pause(healthyJob(), EXPECTED).state, now);
    expect(notice).toMatchObject({ from: 'paused', to: 'healthy', reason: 'resumed by a user' });
    expect(state.expectedAt).toBe(T0 + 6 * HOUR);
    expect(state.wakeAt).toBe(T0 + 6 * HOUR + GRACE);
  });

  it('resume sends a job that never succeeded back to new', () => {
    const { state } = resume(pause(newJob(), T0 + MINUTE).state, T0 + HOUR);
    expect(state.status).toBe('new');
    expect(state.wakeAt).toBeUndefined();
  });

  it('a new schedule restarts the expectation from now', () => {
    const before = healthyJob();
    const now = T0 + 20 * MINUTE;
    const { state, notice } = reschedule(before, { schedule: parseSchedule('*/15 * * * *') }, now);
    expect(notice).toBeUndefined();
    expect(state).toMatchObject({ status: 'healthy', version: before.version + 1, expectedAt: T0 + 30 * MINUTE });
    expect(state.wakeAt).toBe(T0 + 30 * MINUTE + GRACE);
  });

  it('a new grace keeps the expected time and moves the deadline', () => {
    const { state } = reschedule(healthyJob(), { graceMs: 30 * MINUTE }, T0 + 20 * MINUTE);
    expect(state.expectedAt).toBe(EXPECTED);
    expect(state.wakeAt).toBe(EXPECTED + 30 * MINUTE);
    expect(statusAt(state, DEADLINE)).toBe('late');
  });

  it('turning reminders on for a down job schedules the first one; null turns them off', () => {
    const now = DEADLINE + 10 * MINUTE;
    const on = reschedule(missingJob(), { reminderEveryMs: 2 * HOUR }, now).state;
    expect(on).toMatchObject({ reminderEveryMs: 2 * HOUR, remindAt: now + 2 * HOUR, wakeAt: now + 2 * HOUR });
    const off = reschedule(on, { reminderEveryMs: null }, now + MINUTE).state;
    expect(off.reminderEveryMs).toBeUndefined();
    expect(off.remindAt).toBeUndefined();
    expect(off.wakeAt).toBeUndefined();
  });

  it('reminders on a healthy job wait until it goes down', () => {
    const state = reschedule(healthyJob(), { reminderEveryMs: HOUR }, T0 + MINUTE).state;
    expect(state.remindAt).toBeUndefined();
    const missing = evaluate(state, DEADLINE).state;
    expect(missing.remindAt).toBe(DEADLINE + HOUR);
  });

  it('a paused job keeps no expectation when its schedule changes', () => {
    const paused = pause(healthyJob(), EXPECTED).state;
    const { state } = reschedule(paused, { schedule: parseSchedule('every 5m') }, EXPECTED + MINUTE);
    expect(state.status).toBe('paused');
    expect(state.expectedAt).toBeUndefined();
    expect(state.wakeAt).toBeUndefined();
  });
});
