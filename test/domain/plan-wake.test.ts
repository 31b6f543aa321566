import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, SECOND } from '../../shared/domain/durations';
import type { JobState } from '../../shared/domain/job';
import { parseSchedule, type Schedule } from '../../shared/domain/schedule';
import { applySignal, createState, evaluate, planWake, wakeTimeOf } from '../../shared/domain/transitions';
import { dueKeyOf } from '../../shared/domain/wake-phase';

/**
 * The cost-saving rule (ARCHITECTURE.md, "Data and cost"): moving the indexed wake-up time costs two
 * index writes, so a ping moves it only when it must. Simulated here: a job pinging on schedule with
 * jitter, and the checker waking whenever the indexed time passes.
 */

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

interface Run {
  pings: number;
  moves: number;
  checkerWakes: number;
}

/** Pings at `nominal(k) + jitter[k]`; between pings the checker evaluates whatever is due. */
function simulate(schedule: Schedule, graceMs: number, nominal: (k: number) => number, jitter: number[]): Run {
  let state: JobState = createState({ id: 'job', projectId: 'p', schedule, graceMs, now: T0 - HOUR });
  state = applySignal(state, { kind: 'success', at: nominal(0) + jitter[0]! }).state;
  const run: Run = { pings: 0, moves: 0, checkerWakes: 0 };
  for (let k = 1; k < jitter.length; k += 1) {
    const at = nominal(k) + jitter[k]!;
    // The checker runs first if the index says so; on time pings mean it only ever re-arms.
    while (state.wakeAt !== undefined && state.wakeAt <= at) {
      const checked = evaluate(state, state.wakeAt);
      expect(checked.notice, `checker flipped a job pinging on time at ${new Date(at).toISOString()}`).toBeUndefined();
      state = checked.state;
      run.checkerWakes += 1;
    }
    // What costs index writes is a change of the index key (a phase key survives a new deadline).
    const before = JSON.stringify(dueKeyOf(state));
    state = applySignal(state, { kind: 'success', at }).state;
    run.pings += 1;
    if (JSON.stringify(dueKeyOf(state)) !== before) run.moves += 1;
    // Never late: the index may wake the checker early, never after the real deadline.
    expect(state.wakeAt).toBeDefined();
    expect(state.wakeAt!).toBeLessThanOrEqual(wakeTimeOf(state)!);
  }
  return run;
}

const jitters = (count: number, maxMs: number) =>
  fc.array(fc.integer({ min: -maxMs, max: maxMs }), { minLength: count, maxLength: count });

describe('planWake', () => {
  it.each([
    ['every 1m', (k: number) => T0 + k * MINUTE],
    // Cron pings arrive a little after the minute they belong to.
    ['* * * * *', (k: number) => T0 + k * MINUTE + 6 * SECOND],
  ])('%s, 5 min grace, ±5 s jitter: never late, and moves the index on at most a quarter of pings', (text, nominal) => {
    const schedule = parseSchedule(text);
    let worst = 0;
    fc.assert(
      fc.property(jitters(120, 5 * SECOND), (jitter) => {
        const run = simulate(schedule, 5 * MINUTE, nominal, jitter);
        const fraction = run.moves / run.pings;
        worst = Math.max(worst, fraction);
        // 2 + 2 × fraction ≤ 2.5 write units per ping.
        expect(fraction).toBeLessThanOrEqual(0.25);
        // A few jittered pings come just after a kept wake-up time; the checker then re-arms.
        expect(run.checkerWakes / run.pings).toBeLessThanOrEqual(0.1);
      }),
      { numRuns: 200 },
    );
    expect(worst).toBeGreaterThan(0); // the deadline does have to move now and then
  });

  it.each([
    ['0 * * * *', 5 * MINUTE],
    ['0 * * * *', 3 * HOUR],
    ['30 4 * * *', 5 * MINUTE],
  ])('%s with a grace of %i ms keeps its phase key: only the first settled ping moves the index', (text, grace) => {
    // The wake-up time from one ping (11:05) lies before the next ping is due (12:00), but at the
    // same phase of the hour: the phase key (wake-phase.ts) stays where it is, ping after ping.
    const [period, first] = text.startsWith('0 *') ? [HOUR, T0] : [24 * HOUR, T0 - 5 * HOUR - 30 * MINUTE];
    fc.assert(
      fc.property(jitters(48, 20 * SECOND), (jitter) => {
        const run = simulate(parseSchedule(text), grace, (k) => first + k * period + 30 * SECOND, jitter);
        // The first ping was a flip (new → healthy), which keeps the moving key; the next one moves it to the phase key.
        expect(run.moves).toBe(1);
        expect(run.checkerWakes).toBe(0);
      }),
      { numRuns: 20 },
    );
  });

  it('an irregular cron (0 9,17 * * *) keeps the moving key and moves it on every ping', () => {
    const nominal = (k: number) => T0 - 10 * HOUR + Math.floor(k / 2) * 24 * HOUR + (k % 2 ? 17 : 9) * HOUR;
    fc.assert(
      fc.property(jitters(20, 20 * SECOND), (jitter) => {
        const run = simulate(parseSchedule('0 9,17 * * *'), 5 * MINUTE, (k) => nominal(k) + 30 * SECOND, jitter);
        expect(run.moves).toBe(run.pings);
      }),
      { numRuns: 10 },
    );
  });

  it('a start signal that tightens the deadline moves the wake-up time down', () => {
    const schedule = parseSchedule('0 * * * *');
    let state = createState({ id: 'job', projectId: 'p', schedule, graceMs: 10 * MINUTE, now: T0 });
    state = applySignal(state, { kind: 'success', at: T0 + 30 * SECOND }).state;
    expect(state.wakeAt).toBe(T0 + HOUR + 10 * MINUTE);
    const start = T0 + 20 * MINUTE;
    const started = applySignal(state, { kind: 'start', at: start, runId: 'r' }).state;
    expect(wakeTimeOf(started)).toBe(start + 10 * MINUTE);
    expect(started.wakeAt).toBe(start + 10 * MINUTE);
    // The finish loosens the deadline again; the early wake-up time is safe but would fire before
    // the next ping is due, so it moves.
    const done = applySignal(started, { kind: 'success', at: start + MINUTE, runId: 'r' }).state;
    expect(done.wakeAt).toBe(T0 + HOUR + 10 * MINUTE);
  });

  it.each<[string, number | undefined, number | undefined]>([
    ['nothing indexed yet', undefined, T0 + 6 * MINUTE],
    ['indexed later than the real deadline', T0 + 7 * MINUTE, T0 + 6 * MINUTE],
    ['indexed before the next expected ping', T0 + MINUTE, T0 + 6 * MINUTE],
    ['indexed exactly at the next expected ping', T0 + 1 * MINUTE, T0 + 6 * MINUTE],
    ['indexed between expected ping and deadline: kept', T0 + 3 * MINUTE, T0 + 3 * MINUTE],
    ['indexed exactly at the deadline: kept', T0 + 6 * MINUTE, T0 + 6 * MINUTE],
  ])('healthy job, %s', (_, current, planned) => {
    const state: JobState = {
      ...createState({ id: 'job', projectId: 'p', schedule: parseSchedule('every 1m'), graceMs: 5 * MINUTE, now: T0 }),
      status: 'healthy',
    };
    // expectedAt T0 + 1 min, deadline T0 + 6 min
    expect(planWake(current, state)).toBe(planned);
  });

  it.each(['new', 'paused', 'missing', 'failed'] as const)(
    'a %s job without reminders has no wake-up time',
    (status) => {
      const state: JobState = {
        ...createState({ id: 'job', projectId: 'p', schedule: parseSchedule('every 1m'), graceMs: MINUTE, now: T0 }),
        status,
      };
      expect(planWake(T0, state)).toBeUndefined();
    },
  );
});
