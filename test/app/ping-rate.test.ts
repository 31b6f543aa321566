import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PingRateGate } from '../../shared/app/ping-rate';
import { MINUTE, SECOND } from '../../shared/domain/durations';
import type { JobState, SignalKind } from '../../shared/domain/job';
import { parseSchedule } from '../../shared/domain/schedule';
import { applySignal, createState } from '../../shared/domain/transitions';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

function newJob(): JobState {
  return createState({ id: 'job-1', projectId: 'p', schedule: parseSchedule('every 1m'), graceMs: MINUTE, now: T0 });
}

/**
 * What PingService.record does with the gate on one ping that changes no status: the job as it is
 * written afterwards, and whether the ping was stored.
 */
function ping(gate: PingRateGate, state: JobState, at: number, kind: SignalKind = 'success') {
  if (!gate.allows(state, at)) return { state, stored: false };
  const next = applySignal(state, { kind, at }).state;
  return { state: gate.counted(state, next, kind, at), stored: true };
}

/** Pings at the given times; the times of the stored ones, and the job after the last. */
function pingAll(gate: PingRateGate, times: readonly number[], kind: SignalKind = 'success') {
  let state = newJob();
  const stored: number[] = [];
  for (const at of times) {
    const result = ping(gate, state, at, kind);
    state = result.state;
    if (result.stored) stored.push(at);
  }
  return { state, stored };
}

const every = (count: number, gapMs: number, from = T0) => Array.from({ length: count }, (_, i) => from + i * gapMs);

describe('PingRateGate: a count kept on the job, written with the ping', () => {
  it('stores every ping of a job that keeps to the limit, and writes no count for a job that pings less than once a minute', () => {
    const gate = new PingRateGate(6);
    const steady = pingAll(gate, every(30, 10 * SECOND)); // 6 a minute
    expect(steady.stored).toHaveLength(30);
    const slow = pingAll(gate, every(30, MINUTE));
    expect(slow.stored).toHaveLength(30);
    expect(slow.state.pingWindow).toBeUndefined();
    expect(slow.state.lastPingAt).toBe(T0 + 29 * MINUTE);
  });

  it.each([1, 5, 7, 60, 1000])('refuses a flood from the limit + 1-th ping of its minute on (limit %i)', (limit) => {
    const gate = new PingRateGate(limit);
    // However the flood is spread over its first minute.
    for (const gap of [1, Math.floor(MINUTE / (limit + 5))]) {
      const { state, stored } = pingAll(gate, every(limit + 5, gap));
      expect(stored).toEqual(every(limit, gap));
      expect(state.pingWindow).toEqual(limit === 1 ? undefined : { from: T0, pings: limit });
    }
  });

  it('lets a flooded job through again once the minute of its window has passed', () => {
    const gate = new PingRateGate(3);
    let { state } = pingAll(gate, every(3, SECOND));
    expect(gate.allows(state, T0 + MINUTE - 1)).toBe(false);
    // A minute after the first counted ping a new window opens: three may come at once again.
    for (let i = 0; i < 3; i += 1) {
      const result = ping(gate, state, T0 + MINUTE + i);
      expect(result.stored).toBe(true);
      state = result.state;
    }
    expect(ping(gate, state, T0 + MINUTE + 3).stored).toBe(false);
    expect(state.pingWindow).toEqual({ from: T0 + MINUTE, pings: 3 });
  });

  it('drops the count from the item with the first ping that opens a window of its own', () => {
    const gate = new PingRateGate(3);
    const { state } = pingAll(gate, every(3, SECOND));
    expect(state.pingWindow).toBeDefined();
    const later = ping(gate, state, T0 + 5 * MINUTE);
    expect(later.stored).toBe(true);
    expect(later.state.pingWindow).toBeUndefined();
    // ... and the window it opened is still counted.
    const next = ping(gate, later.state, T0 + 5 * MINUTE + 1);
    expect(next.state.pingWindow).toEqual({ from: T0 + 5 * MINUTE, pings: 2 });
  });

  it('counts `log` pings too, though they change nothing else: each writes the count', () => {
    const gate = new PingRateGate(2);
    const first = ping(gate, newJob(), T0, 'log');
    expect(first.stored).toBe(true);
    expect(first.state.lastPingAt).toBeUndefined();
    expect(first.state.pingWindow).toEqual({ from: T0, pings: 1 });
    const second = ping(gate, first.state, T0 + 1, 'log');
    expect(second.stored).toBe(true);
    expect(ping(gate, second.state, T0 + 2, 'log').stored).toBe(false);
    // And they count against the other kinds.
    expect(ping(gate, second.state, T0 + 3, 'success').stored).toBe(false);
  });

  it('keeps one job’s count to that job', () => {
    const gate = new PingRateGate(2);
    const { state } = pingAll(gate, every(2, 1));
    expect(gate.allows(state, T0 + 2)).toBe(false);
    expect(gate.allows(newJob(), T0 + 2)).toBe(true);
  });

  it('under any pattern: the first minute is cut at the limit, no 60 s store more than twice the limit, and a steady flood stores the limit per minute', () => {
    const pattern = fc.record({
      limit: fc.integer({ min: 1, max: 30 }),
      // Gaps from a flood's to beyond a minute.
      gaps: fc.array(fc.integer({ min: 1, max: 70 * SECOND }), { minLength: 1, maxLength: 300 }),
    });
    fc.assert(
      fc.property(pattern, ({ limit, gaps }) => {
        const gate = new PingRateGate(limit);
        // A burst of limit + 1 pings first, so every drawn pattern is refused at least once.
        const times = every(limit + 1, 1);
        for (const gap of gaps) times.push(times[times.length - 1]! + gap);
        const { stored } = pingAll(gate, times);
        expect(stored.slice(0, limit)).toEqual(times.slice(0, limit));
        expect(stored).not.toContain(times[limit]);
        for (const from of stored) {
          expect(stored.filter((at) => at >= from && at < from + MINUTE).length).toBeLessThanOrEqual(2 * limit);
        }
      }),
      { numRuns: 200 },
    );
    // A steady flood (a ping every 100 ms for 10 minutes): the limit in each minute.
    const limit = 30;
    const { stored } = pingAll(new PingRateGate(limit), every(6000, 100));
    for (let minute = 0; minute < 10; minute += 1) {
      const from = T0 + minute * MINUTE;
      expect(stored.filter((at) => at >= from && at < from + MINUTE)).toHaveLength(limit);
    }
  });
});
