import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertEventOf } from '../../shared/app/alert-bus';
import { MINUTE, SECOND } from '../../shared/domain/durations';
import { FLAP_POLICY } from '../../shared/domain/flapping';
import type { JobState, Notice } from '../../shared/domain/job';
import { parseSchedule } from '../../shared/domain/schedule';
import { applySignal, createState, evaluate, wakeTimeOf } from '../../shared/domain/transitions';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const EVERY_MINUTE = parseSchedule('every 1m');

/** A job that succeeded once: healthy, and its outbox drained (the tests read only new notices). */
function healthy(graceMs = 10 * MINUTE): JobState {
  const first = applySignal(createState({ id: 'job', projectId: 'p', schedule: EVERY_MINUTE, graceMs, now: T0 }), {
    kind: 'success',
    at: T0,
  }).state;
  return { ...first, pending: [] };
}

/** Alternating fail/success pings at the given times; returns every notice made and the final state. */
function alternate(times: readonly number[], start = healthy()) {
  let state = start;
  const notices: Notice[] = [];
  times.forEach((at, index) => {
    const transition = applySignal(state, { kind: index % 2 === 0 ? 'fail' : 'success', at });
    state = { ...transition.state, pending: [] };
    if (transition.notice) notices.push(transition.notice);
  });
  return { state, notices };
}

const alerted = (notices: readonly Notice[]) => notices.filter((notice) => alertEventOf(notice) !== undefined);

describe('flap handling', () => {
  it('100 alternating pings in 5 s: every change applies, people hear 5 of them and one flapping notice', () => {
    const times = Array.from({ length: 100 }, (_, i) => T0 + MINUTE + i * 50);
    const { state, notices } = alternate(times);
    expect(notices).toHaveLength(100);
    expect(state.status).toBe('healthy');
    expect(alerted(notices).map((notice) => alertEventOf(notice))).toEqual([
      'down',
      'up',
      'down',
      'up',
      'down',
      'flapping',
    ]);
    expect(notices[5]).toMatchObject({ kind: 'flapping', to: 'healthy', changes: 6 });
    expect(notices.slice(6).every((notice) => notice.quiet && notice.kind === 'flip')).toBe(true);
    expect(state.flap).toMatchObject({ suppressed: 94, settleAt: times[99]! + FLAP_POLICY.settleMs });
  });

  it('the checker wakes when the job settles and sends one summary, then forgets the flapping', () => {
    const times = Array.from({ length: 100 }, (_, i) => T0 + MINUTE + i * 50);
    const { state } = alternate(times);
    const settleAt = times[99]! + FLAP_POLICY.settleMs;
    // The job stays healthy (it pings each minute), so the summary is what wakes the checker.
    const pinged = applySignal(state, { kind: 'success', at: settleAt - 30 * SECOND }).state;
    expect(wakeTimeOf(pinged)).toBe(settleAt);
    expect(evaluate(pinged, settleAt - 1).notice).toBeUndefined();
    const summary = evaluate(pinged, settleAt);
    expect(summary.notice).toMatchObject({
      kind: 'settled',
      from: 'failed',
      to: 'healthy',
      suppressed: 94,
      changes: 100,
    });
    expect(alertEventOf(summary.notice!)).toBe('settled');
    expect(summary.notice!.reason).toContain('94 status changes were not alerted');
    expect(summary.state.flap).toBeUndefined();
    expect(wakeTimeOf(summary.state)).toBe(summary.state.expectedAt! + summary.state.graceMs);
  });

  it('a job that changes slower than the threshold per window is alerted every time', () => {
    const times = Array.from({ length: 40 }, (_, i) => T0 + MINUTE + i * 4 * MINUTE);
    expect(alerted(alternate(times).notices)).toHaveLength(40);
  });

  it('a flapping job that goes missing is told in the summary, not lost', () => {
    const times = Array.from({ length: 10 }, (_, i) => T0 + MINUTE + i * SECOND);
    // Grace 2 min: the deadline (last ping + 3 min) comes before the summary (+ 10 min).
    const { state } = alternate(times, healthy(2 * MINUTE));
    const deadline = wakeTimeOf(state)!;
    expect(deadline).toBe(times[9]! + 3 * MINUTE);
    const missing = evaluate(state, deadline);
    expect(missing.notice).toMatchObject({ to: 'missing', quiet: true });
    const summaryAt = missing.state.flap!.settleAt!;
    expect(wakeTimeOf(missing.state)).toBe(summaryAt);
    expect(evaluate(missing.state, summaryAt).notice).toMatchObject({ kind: 'settled', to: 'missing' });
  });

  it('property: changes always apply; alerts per window stay bounded; the summary counts every held change', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 * MINUTE }), { minLength: 1, maxLength: 150 }), (gaps) => {
        let at = T0 + MINUTE;
        const times = gaps.map((gap) => (at += gap));
        const { state, notices } = alternate(times);
        // Every ping flipped the job: nothing was dropped from the state machine.
        expect(notices).toHaveLength(times.length);
        expect(state.status).toBe(times.length % 2 === 1 ? 'failed' : 'healthy');
        // No window of the policy's length holds more than threshold + 1 alerted notices.
        const alertedAt = alerted(notices).map((notice) => notice.at);
        for (const [i, start] of alertedAt.entries()) {
          const inWindow = alertedAt.slice(i).filter((time) => time - start < FLAP_POLICY.windowMs);
          expect(inWindow.length).toBeLessThanOrEqual(FLAP_POLICY.threshold + 1);
        }
        // Each held change is counted once, and the summary comes when the checker wakes for it.
        const held = notices.filter((notice) => notice.quiet).length;
        if (state.flap?.settleAt !== undefined) {
          const flappingSince = notices.findLastIndex((notice) => notice.kind === 'flapping');
          expect(state.flap.suppressed).toBe(notices.slice(flappingSince).filter((notice) => notice.quiet).length);
          const settled = evaluate(state, state.flap.settleAt);
          expect(settled.notice?.kind === 'settled' || settled.notice?.to === 'missing').toBe(true);
        } else {
          expect(held).toBe(0);
        }
      }),
    );
  });
});
