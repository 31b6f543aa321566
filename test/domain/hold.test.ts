import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, SECOND } from '../../shared/domain/durations';
import { INTAKE_RECHECK_MS, isHeard, judge, withMaintenance, type Quiet } from '../../shared/domain/hold';
import type { JobState, Signal } from '../../shared/domain/job';
import { parseSchedule } from '../../shared/domain/schedule';
import { applySignal, createState, pause, type Transition } from '../../shared/domain/transitions';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const GRACE = 5 * MINUTE;
const HOURLY = parseSchedule('0 * * * *');
const EXPECTED = T0 + HOUR;
const DEADLINE = EXPECTED + GRACE;
/** A window from 10:30 to 12:30 covers the deadline at 11:05. */
const WINDOW_END = T0 + 2 * HOUR + 30 * MINUTE;
const quiet: Quiet = { until: WINDOW_END, name: 'upgrade' };

/** An hourly job (5 min grace) that pinged 30 s after it was created, with the alert rules given. */
function healthyJob(rules: { failureThreshold?: number; maxRuntimeMs?: number } = {}): JobState {
  const created = createState({ id: 'job-1', projectId: 'p-1', schedule: HOURLY, graceMs: GRACE, now: T0, ...rules });
  return applySignal(created, { kind: 'success', at: T0 + 30 * SECOND }).state;
}

/** A ping as the ping path applies it: the state machine, then the window (if any). */
function ping(state: JobState, kind: Signal['kind'], at: number, window?: Quiet): Transition {
  return withMaintenance(state, applySignal(state, { kind, at }), window && at < window.until ? window : undefined);
}

/** The checker at `now`, with the window applied the way the checker finds it. */
function sweep(state: JobState, now: number, context: { intakeFailing?: boolean; window?: Quiet } = {}) {
  const inside = context.window && now < context.window.until ? context.window : undefined;
  return judge(state, now, { intakeFailing: context.intakeFailing, quiet: inside });
}

const heard = (transition: Transition) => isHeard(transition.notice);

describe('maintenance windows', () => {
  it('a job that goes missing inside a window is recorded as missing, quietly, and woken at the window end', () => {
    const missed = sweep(healthyJob(), DEADLINE, { window: quiet });
    expect(missed.state.status).toBe('missing');
    expect(missed.notice).toMatchObject({ kind: 'flip', to: 'missing', quiet: true, heldBy: 'maintenance' });
    expect(missed.notice?.reason).toContain('maintenance window "upgrade"');
    expect(missed.state.pending.at(-1)).toEqual(missed.notice);
    expect(heard(missed)).toBe(false);
    expect(missed.state.hold).toEqual({ reason: 'maintenance', heard: 'healthy', until: WINDOW_END });
    expect(missed.state.wakeAt).toBe(WINDOW_END);
  });

  it.each<[string, number, boolean]>([
    ['1 ms before the window ends: still held', WINDOW_END - 1, false],
    ['exactly at the end: alerts once', WINDOW_END, true],
    ['after the end: alerts once', WINDOW_END + MINUTE, true],
  ])('a job still down: %s', (_name, now, alerts) => {
    const missed = sweep(healthyJob(), DEADLINE, { window: quiet }).state;
    const released = sweep(missed, now, { window: quiet });
    expect(heard(released)).toBe(alerts);
    if (!alerts) return;
    expect(released.notice).toMatchObject({ kind: 'flip', from: 'healthy', to: 'missing' });
    expect(released.notice?.reason).toContain('still missing when it ended');
    expect(released.state.hold).toBeUndefined();
    // Once: the next look at the released job sends nothing more.
    expect(heard(sweep(released.state, now + MINUTE))).toBe(false);
  });

  it('a job that goes down and recovers inside the window sends nothing, and the flips say so', () => {
    const missed = sweep(healthyJob(), DEADLINE, { window: quiet });
    const back = ping(missed.state, 'success', DEADLINE + 10 * MINUTE, quiet);
    expect(back.state.status).toBe('healthy');
    expect(back.notice).toMatchObject({ to: 'healthy', quiet: true, heldBy: 'maintenance' });
    const end = sweep(back.state, WINDOW_END);
    expect(end.notice).toBeUndefined();
    expect(end.state.hold).toBeUndefined();
    // The outbox still holds the first ping's flip; the two after it were held by the window.
    expect(end.state.pending.slice(-2).map((notice) => [notice.to, notice.heldBy])).toEqual([
      ['missing', 'maintenance'],
      ['healthy', 'maintenance'],
    ]);
  });

  it('a fail ping inside the window is held; the job still failed at the end alerts once', () => {
    const failed = ping(healthyJob(), 'fail', T0 + 40 * MINUTE, quiet);
    expect(failed.notice).toMatchObject({ to: 'failed', quiet: true, heldBy: 'maintenance' });
    const released = sweep(failed.state, WINDOW_END);
    expect(released.notice).toMatchObject({ from: 'healthy', to: 'failed' });
    expect(heard(released)).toBe(true);
  });

  it('a job already down (and alerted) before the window that recovers inside it is told at the end', () => {
    const down = sweep(healthyJob(), DEADLINE);
    expect(heard(down)).toBe(true);
    const window: Quiet = { until: DEADLINE + HOUR, name: 'fix' };
    const back = ping(down.state, 'success', DEADLINE + 10 * MINUTE, window);
    expect(heard(back)).toBe(false);
    const released = sweep(back.state, window.until);
    expect(released.notice).toMatchObject({ from: 'missing', to: 'healthy' });
    expect(heard(released)).toBe(true);
  });

  it('a recovery after the window ended but before the checker released the hold stays quiet', () => {
    const missed = sweep(healthyJob(), DEADLINE, { window: quiet }).state;
    const back = ping(missed, 'success', WINDOW_END + SECOND);
    expect(back.notice).toMatchObject({ to: 'healthy', quiet: true, heldBy: 'maintenance' });
    expect(back.state.hold).toBeUndefined();
  });

  it('a window that goes on (another one starts where it ends) keeps holding, and moves the wake-up', () => {
    const missed = sweep(healthyJob(), DEADLINE, { window: quiet }).state;
    const next: Quiet = { until: WINDOW_END + HOUR, name: 'second' };
    const still = sweep(missed, WINDOW_END, { window: next });
    expect(still.notice).toBeUndefined();
    expect(still.state.hold?.until).toBe(WINDOW_END + HOUR);
    expect(still.state.wakeAt).toBe(WINDOW_END + HOUR);
  });

  it('property: whatever pings come inside the window, at its end people hear only what differs from before', () => {
    const kinds = fc.constantFrom<Signal['kind']>('success', 'fail', 'start', 'log');
    const pings = fc.array(fc.tuple(kinds, fc.integer({ min: 0, max: 110 * MINUTE })), { maxLength: 8 });
    // Half the runs start from a job that was already down and alerted, so both kinds of ending are drawn.
    fc.assert(
      fc.property(pings, fc.boolean(), (drawn, startDown) => {
        // Down and alerted at 10:35, before the window; or healthy, with its deadline (11:05) inside it.
        let state = startDown ? ping(healthyJob(), 'fail', T0 + 35 * MINUTE).state : healthyJob();
        const windowStart = T0 + 40 * MINUTE;
        const window: Quiet = { until: windowStart + 2 * HOUR, name: 'w' };
        const before = state.status;
        const times = drawn.map(([kind, offset]) => [kind, windowStart + offset] as const).sort((a, b) => a[1] - b[1]);
        let lastAt = windowStart;
        for (const [kind, at] of times) {
          const due = state.wakeAt !== undefined && state.wakeAt <= at;
          if (due) state = sweep(state, Math.max(lastAt, state.wakeAt!), { window }).state;
          const transition = ping(state, kind, at, window);
          expect(heard(transition)).toBe(false);
          state = transition.state;
          lastAt = at;
        }
        while (state.wakeAt !== undefined && state.wakeAt < window.until) {
          state = sweep(state, Math.max(lastAt, state.wakeAt), { window }).state;
        }
        const atEnd = sweep(state, window.until);
        const down = (status: string) => status === 'missing' || status === 'failed';
        expect(heard(atEnd)).toBe(down(atEnd.state.status) !== down(before));
      }),
      { numRuns: 200 },
    );
  });
});

describe('outage guard: intake failing', () => {
  it('a deadline passing while the intake fails holds the job as unknown, recorded, not alerted', () => {
    const held = sweep(healthyJob(), DEADLINE, { intakeFailing: true });
    expect(held.state.status).toBe('unknown');
    expect(held.notice).toMatchObject({ kind: 'flip', from: 'healthy', to: 'unknown', quiet: true, heldBy: 'intake' });
    expect(held.notice?.reason).toContain("CronSentry's own ping intake is failing");
    expect(heard(held)).toBe(false);
    expect(held.state.hold).toEqual({ reason: 'intake', heard: 'healthy', until: DEADLINE + INTAKE_RECHECK_MS });
  });

  it('while the intake still fails, an unknown job is only looked at again a minute later', () => {
    const held = sweep(healthyJob(), DEADLINE, { intakeFailing: true }).state;
    const again = sweep(held, DEADLINE + INTAKE_RECHECK_MS, { intakeFailing: true });
    expect(again.notice).toBeUndefined();
    expect(again.state.status).toBe('unknown');
    expect(again.state.wakeAt).toBe(DEADLINE + 2 * INTAKE_RECHECK_MS);
  });

  it('when the intake recovers, a job that pinged meanwhile is cleared without an alert', () => {
    const held = sweep(healthyJob(), DEADLINE, { intakeFailing: true }).state;
    const pinged = ping(held, 'success', DEADLINE + 30 * SECOND);
    expect(pinged.state.status).toBe('healthy');
    expect(heard(pinged)).toBe(false);
    expect(pinged.state.hold).toBeUndefined();
  });

  it('when the intake recovers, a job that still has not pinged goes missing and alerts normally', () => {
    const held = sweep(healthyJob(), DEADLINE, { intakeFailing: true }).state;
    const judged = sweep(held, DEADLINE + INTAKE_RECHECK_MS);
    expect(judged.state.status).toBe('missing');
    expect(judged.notice).toMatchObject({ from: 'unknown', to: 'missing' });
    expect(judged.notice?.reason).toContain('intake has recovered');
    expect(heard(judged)).toBe(true);
    expect(judged.state.hold).toBeUndefined();
  });

  it('when the intake recovers, the held miss counts against failureThreshold like any other', () => {
    const pinged = healthyJob({ failureThreshold: 2 });
    const held = sweep(pinged, DEADLINE, { intakeFailing: true }).state;
    const first = sweep(held, DEADLINE + INTAKE_RECHECK_MS);
    // One miss of two: failing, recorded, not alerted; the next expected run is judged next.
    expect(first.state.status).toBe('failing');
    expect(first.notice).toMatchObject({ kind: 'flip', from: 'unknown', to: 'failing' });
    expect(first.notice?.reason).toContain('1 of 2');
    expect(first.notice?.reason).toContain('intake has recovered');
    expect(heard(first)).toBe(false);
    expect(first.state.hold).toBeUndefined();
    expect(first.state.expectedAt).toBe(EXPECTED + HOUR);
    // The second miss in a row reaches the threshold and alerts.
    const second = sweep(first.state, DEADLINE + HOUR);
    expect(second.state.status).toBe('missing');
    expect(heard(second)).toBe(true);
  });

  it('an unknown job whose held deadline was a run past its maximum runtime recovers as overrunning', () => {
    const started = applySignal(healthyJob({ maxRuntimeMs: 10 * MINUTE }), { kind: 'start', at: T0 + MINUTE }).state;
    const overrunAt = T0 + MINUTE + 10 * MINUTE;
    const held = sweep(started, overrunAt, { intakeFailing: true }).state;
    expect(held.status).toBe('unknown');
    const judged = sweep(held, overrunAt + INTAKE_RECHECK_MS);
    expect(judged.state.status).toBe('overrunning');
    expect(heard(judged)).toBe(true);
  });

  it('a paused unknown job drops its intake hold and stops waking the checker', () => {
    const held = sweep(healthyJob(), DEADLINE, { intakeFailing: true }).state;
    const paused = pause(held, DEADLINE + SECOND).state;
    const looked = sweep(paused, DEADLINE + INTAKE_RECHECK_MS);
    expect(looked.state.status).toBe('paused');
    expect(looked.state.hold).toBeUndefined();
    expect(looked.state.wakeAt).toBeUndefined();
  });

  it('a healthy job with no deadline passed is not touched by an intake outage', () => {
    const state = healthyJob();
    const looked = sweep(state, DEADLINE - 1, { intakeFailing: true });
    expect(looked.state.status).toBe('healthy');
    expect(looked.notice).toBeUndefined();
  });
});
