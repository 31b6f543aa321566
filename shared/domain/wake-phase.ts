import { DAY, HOUR, MINUTE } from './durations';
import { isWatched, type JobState } from './job';
import type { Schedule } from './schedule';

/**
 * Phase keys for the due index (issue 14, §2). A job whose deadlines fall at a fixed phase of a
 * period — an hourly cron's at :05 every hour, a daily one's at 03:05 in its zone — is indexed by
 * (period, phase) instead of by the absolute deadline, so a ping that pushes the deadline on by one
 * period writes the same index key and costs no index write. The checker visits each phase as the
 * clock passes it (`phaseRanges`) and reads the jobs found there: their items are the truth, and a
 * job whose real wake-up time has not come is skipped (one read per job per period).
 *
 * Why this is never late: a job visited by phase is read at every instant ≡ its phase (mod the
 * period) that a sweep passes, so at its real wake-up time too, as long as that time has exactly
 * the indexed phase (the key is computed from it) and the entry was in the index before a sweep
 * passed it. The second is why only a write made well before the wake-up time (`PHASE_LEAD_MS`)
 * may choose a phase key; any other write keeps today's moving key, which the checker finds by
 * `dueAt <= now` however late it was written. The phase is taken from the real UTC instant, so a
 * daily job's key moves when daylight saving shifts its UTC time (once, at the change), and
 * correctness never depends on how a schedule was classified: the class only decides the cost.
 */

/** The period classes: each has its own partitions in the due index. The largest bounds a catch-up. */
export const PHASE_PERIODS = [HOUR, DAY] as const;
export const LONGEST_PHASE_PERIOD = DAY;

/**
 * How far ahead of its write a deadline must lie to be indexed by phase: more than the time a
 * write takes to show in the index (GSIs are eventually consistent, usually well under a second)
 * plus the clock difference between a ping's Lambda and the checker's. A write closer to its
 * deadline (a checker catching up on a missed run, a shortened grace) keeps the moving key.
 */
export const PHASE_LEAD_MS = MINUTE;

/**
 * A clock more than this behind the last visit means the clock went back (a restored table, tests
 * replaying another day): every phase is then visited once more rather than none.
 */
export const CLOCK_JUMP_MS = 5 * MINUTE;

/**
 * The phase key a write chose, valid only for the state of that write (`version`): any later write
 * that does not choose again (a flip, the API, a hold) falls back to the moving key by itself.
 */
export interface WakePhase {
  readonly periodMs: number;
  readonly version: number;
}

/** Where a job sits in the due index: at its wake-up time, or at the phase of it within a period. */
export type DueKey =
  | { readonly kind: 'at'; readonly at: number }
  | { readonly kind: 'phase'; readonly periodMs: number; readonly phaseMs: number };

const SINGLE_VALUE = /^\d{1,2}$/;

/**
 * The period at whose fixed phase the schedule's runs fall, if it has one we index by phase: one
 * minute of every hour (`5 * * * *`), or one time of every day (`0 3 * * *`; `0 3 * * 1-5` too: a
 * day off costs one read that finds the job not due). Other crons (`0 9,17 * * *`, monthly) and
 * intervals, whose phase follows the last ping, keep the moving key. Only cost depends on this.
 */
export function phasePeriodOf(schedule: Schedule): number | undefined {
  if (schedule.kind !== 'cron') return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = schedule.expression.split(' ');
  if (!SINGLE_VALUE.test(minute ?? '') || dayOfMonth !== '*' || month !== '*') return undefined;
  if (hour === '*') return dayOfWeek === '*' ? HOUR : undefined;
  return SINGLE_VALUE.test(hour ?? '') ? DAY : undefined;
}

/**
 * Whether the write of `state` at `at` may index it by phase: a watched job with no open run and no
 * hold, whose next wake-up is its expected ping's deadline (`realWake`), at least PHASE_LEAD_MS away.
 */
export function planPhase(state: JobState, realWake: number | undefined, at: number): WakePhase | undefined {
  const periodMs = phasePeriodOf(state.schedule);
  if (periodMs === undefined || realWake === undefined || state.expectedAt === undefined) return undefined;
  if (!isWatched(state.status) || state.hold || Object.keys(state.runs).length > 0) return undefined;
  if (realWake !== state.expectedAt + state.graceMs || realWake - at < PHASE_LEAD_MS) return undefined;
  return { periodMs, version: state.version };
}

/** The index key of a state as written: its phase if this very write chose one, else its wake-up time. */
export function dueKeyOf(state: JobState): DueKey | undefined {
  if (state.wakeAt === undefined) return undefined;
  const phase = state.wakePhase;
  if (phase && phase.version === state.version) {
    return { kind: 'phase', periodMs: phase.periodMs, phaseMs: phaseOf(state.wakeAt, phase.periodMs) };
  }
  return { kind: 'at', at: state.wakeAt };
}

/** The offset of an instant within its period, from the Unix epoch (UTC): 11:05:00 → 5 min for HOUR. */
export function phaseOf(time: number, periodMs: number): number {
  return ((time % periodMs) + periodMs) % periodMs;
}

/** The first instant after `after` with the given phase. */
export function nextPhaseTime(after: number, periodMs: number, phaseMs: number): number {
  const at = after - phaseOf(after, periodMs) + phaseMs;
  return at > after ? at : at + periodMs;
}

/** An inclusive range of phases (integer milliseconds), as one index query asks for it. */
export interface PhaseRange {
  readonly from: number;
  readonly to: number;
}

/**
 * The phases the clock passed in (`after`, `upTo`]: what a sweep must visit in one period class.
 * A gap of a whole period or more is every phase once (reading a job twice would find nothing new).
 * Times are integer milliseconds.
 */
export function phaseRanges(after: number, upTo: number, periodMs: number): PhaseRange[] {
  if (upTo <= after) return [];
  if (upTo - after >= periodMs) return [{ from: 0, to: periodMs - 1 }];
  const start = phaseOf(after + 1, periodMs);
  const end = phaseOf(upTo, periodMs);
  if (start <= end) return [{ from: start, to: end }];
  return [
    { from: start, to: periodMs - 1 },
    { from: 0, to: end },
  ];
}

/**
 * Where a sweep at `now` starts visiting phases: just after the last visit, or a whole period back
 * when there was none or the clock went back (`CLOCK_JUMP_MS`). A last visit a little ahead of `now`
 * (two checkers, clocks a few ms apart) means there is nothing new to visit.
 */
export function phaseVisitStart(lastVisit: number | undefined, now: number): number {
  if (lastVisit === undefined || lastVisit > now + CLOCK_JUMP_MS) return now - LONGEST_PHASE_PERIOD;
  return Math.max(lastVisit, now - LONGEST_PHASE_PERIOD);
}
