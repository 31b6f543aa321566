import { describeDuration } from './durations';
import { countChange, currentFlap, flappingReason, hasSettled, settledReason } from './flapping';
import {
  isAlertWorthy,
  isDown,
  type JobState,
  type Notice,
  type Signal,
  type SignalKind,
  type Status,
  type StoredStatus,
} from './job';
import { nextExpectedAt, type Schedule } from './schedule';

/**
 * The state machine of a job: pure functions of (state, event, now). Every function returns the
 * next state, with any notice it produced already in `pending` (the outbox), so that the caller
 * can persist both in one conditional write.
 */

/** At most this many runs may be open at once; a job that never finishes must not grow its item. */
export const MAX_OPEN_RUNS = 10;
const ANONYMOUS_RUN = '-';

export interface Transition {
  readonly state: JobState;
  /** The notice this transition produced, if any (also appended to `state.pending`). */
  readonly notice?: Notice;
}

/** The moment the job goes missing if nothing arrives; undefined when it cannot go missing. */
export function deadlineOf(state: JobState): number | undefined {
  if (state.status !== 'healthy') return undefined;
  const candidates: number[] = [];
  if (state.expectedAt !== undefined) candidates.push(state.expectedAt + state.graceMs);
  const earliestRun = earliestRunStart(state);
  if (earliestRun !== undefined) candidates.push(earliestRun + state.graceMs);
  return candidates.length ? Math.min(...candidates) : undefined;
}

/** The status people see at `now`: the stored one, or `late` while a healthy job is inside grace. */
export function statusAt(state: JobState, now: number): Status {
  if (state.status !== 'healthy') return state.status;
  const deadline = deadlineOf(state);
  if (deadline !== undefined && now >= deadline) return 'missing';
  if (state.expectedAt !== undefined && now >= state.expectedAt) return 'late';
  const earliestRun = earliestRunStart(state);
  return earliestRun !== undefined && now >= earliestRun + state.graceMs ? 'missing' : 'healthy';
}

/**
 * When the checker should next look at this job, if ever (the real time; the index may be
 * earlier): its deadline or next reminder, or the moment a flapping job's summary is due.
 */
export function wakeTimeOf(state: JobState): number | undefined {
  const own = state.status === 'healthy' ? deadlineOf(state) : isDown(state.status) ? state.remindAt : undefined;
  // A hold (maintenance window, intake outage) is released, or looked at again, at its `until`.
  const times = [own, state.flap?.settleAt, state.hold?.until].filter((time) => time !== undefined);
  return times.length ? Math.min(...times) : undefined;
}

/**
 * Chooses the indexed wake-up time after a write. Moving an indexed key costs two index writes,
 * so keep the current one when it is still safe (not after the real wake time) and useful (after
 * the next expected ping: waking earlier would find a healthy job and only pay to re-arm it).
 */
export function planWake(current: number | undefined, next: JobState): number | undefined {
  const real = wakeTimeOf(next);
  if (real === undefined) return undefined;
  if (current === undefined || current > real) return real;
  const usefulFrom = next.status === 'healthy' ? next.expectedAt : undefined;
  if (usefulFrom !== undefined && current <= usefulFrom) return real;
  return current;
}

/** A ping arrived. `log` signals change nothing (they are only recorded). */
export function applySignal(state: JobState, signal: Signal): Transition {
  if (signal.kind === 'log') return { state };
  const at = signal.at;
  const base: Mutable<JobState> = { ...state, lastPingAt: at, lastPingKind: signal.kind };
  if (signal.exitCode !== undefined) base.lastExitCode = signal.exitCode;
  const runs = { ...state.runs };

  if (signal.kind === 'start') {
    runs[signal.runId ?? ANONYMOUS_RUN] = at;
    base.runs = capRuns(runs);
    // As in Healthchecks, a start leaves a paused job paused: only a finish (success or fail)
    // brings it back. The run is still recorded, so that finish gets its duration.
    return settle(state, base);
  }

  const startedAt = finishRun(runs, signal.runId, signal.kind);
  base.runs = runs;
  if (startedAt !== undefined) base.lastDurationMs = Math.max(0, at - startedAt);
  else delete base.lastDurationMs;
  base.expectedAt = nextExpectedAt(state.schedule, at);

  if (signal.kind === 'success') {
    base.lastSuccessAt = at;
    if (state.status === 'healthy') return settle(state, base);
    return flipTo(state, base, 'healthy', at, successReason(state.status, state.statusSince, at));
  }
  // fail
  if (state.status === 'failed') return settle(state, base);
  const reason =
    signal.exitCode !== undefined ? `the job exited with code ${signal.exitCode}` : 'the job signalled a failure';
  return flipTo(state, base, 'failed', at, signal.reason ? `${reason}: ${signal.reason}` : reason);
}

/**
 * What the checker does with a job whose wake-up time has passed, judged against one `now` for the
 * whole sweep: flip it to missing, sum up a flapping job that settled, send a reminder, or only
 * re-arm the wake-up time. One notice per call: a second one due is found by the next sweep.
 */
export function evaluate(state: JobState, now: number): Transition {
  const deadline = deadlineOf(state);
  if (deadline !== undefined && now >= deadline) {
    return flipTo(state, { ...state }, 'missing', now, missingReason(state, deadline));
  }
  if (hasSettled(state.flap, now)) {
    const flap = state.flap;
    const version = state.version + 1;
    const notice = noticeOf(state, version, {
      kind: 'settled',
      from: flap.fromStatus ?? state.status,
      to: state.status,
      at: now,
      reason: settledReason(flap, now, state.status),
      changes: flap.changes,
      suppressed: flap.suppressed ?? 0,
    });
    const next: JobState = { ...state, version, flap: undefined, pending: [...state.pending, notice] };
    return { state: { ...next, wakeAt: wakeTimeOf(next) }, notice };
  }
  if (isDown(state.status) && state.remindAt !== undefined && now >= state.remindAt) {
    const every = state.reminderEveryMs ?? 0;
    const version = state.version + 1;
    const notice = noticeOf(state, version, {
      kind: 'reminder',
      from: state.status,
      to: state.status,
      at: now,
      reason: `still ${state.status} after ${describeDuration(now - state.statusSince)}`,
    });
    const remindAt = every > 0 ? skipPast(state.remindAt, every, now) : undefined;
    const next = { ...state, version, remindAt, pending: [...state.pending, notice] };
    return { state: { ...next, wakeAt: wakeTimeOf(next) }, notice };
  }
  return { state: { ...state, version: state.version + 1, wakeAt: wakeTimeOf(state) } };
}

export function pause(state: JobState, now: number): Transition {
  if (state.status === 'paused') return { state };
  return flipTo(
    state,
    { ...state, runs: {}, expectedAt: undefined, remindAt: undefined },
    'paused',
    now,
    'paused by a user',
  );
}

/** Monitoring starts again from `now`; a job that never succeeded goes back to `new`. */
export function resume(state: JobState, now: number): Transition {
  if (state.status !== 'paused') return { state };
  const to: StoredStatus = state.lastSuccessAt === undefined ? 'new' : 'healthy';
  return flipTo(state, { ...state, expectedAt: nextExpectedAt(state.schedule, now) }, to, now, 'resumed by a user');
}

/**
 * A user changed the schedule or grace. A new schedule restarts the expectation from `now` (the
 * old last ping says nothing about the new timetable); a new grace keeps the expected time.
 */
export function reschedule(
  state: JobState,
  change: { schedule?: Schedule; graceMs?: number; reminderEveryMs?: number | null },
  now: number,
): Transition {
  const next: Mutable<JobState> = { ...state, version: state.version + 1 };
  if (change.schedule) {
    next.schedule = change.schedule;
    if (state.status !== 'paused') next.expectedAt = nextExpectedAt(change.schedule, now);
  }
  if (change.graceMs !== undefined) next.graceMs = change.graceMs;
  if (change.reminderEveryMs !== undefined) {
    next.reminderEveryMs = change.reminderEveryMs ?? undefined;
    next.remindAt = change.reminderEveryMs && isDown(state.status) ? now + change.reminderEveryMs : undefined;
  }
  next.wakeAt = wakeTimeOf(next);
  return { state: next };
}

/** A brand-new job: `new` until its first success, with the first expected time for display. */
export function createState(input: {
  id: string;
  projectId: string;
  schedule: Schedule;
  graceMs: number;
  reminderEveryMs?: number;
  now: number;
}): JobState {
  return {
    id: input.id,
    projectId: input.projectId,
    schedule: input.schedule,
    graceMs: input.graceMs,
    status: 'new',
    statusSince: input.now,
    version: 1,
    expectedAt: nextExpectedAt(input.schedule, input.now),
    runs: {},
    pending: [],
    ...(input.reminderEveryMs ? { reminderEveryMs: input.reminderEveryMs } : {}),
  };
}

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function settle(previous: JobState, next: Mutable<JobState>): Transition {
  next.version = previous.version + 1;
  next.wakeAt = planWake(previous.wakeAt, next);
  return { state: next };
}

export function flipTo(
  previous: JobState,
  next: Mutable<JobState>,
  to: StoredStatus,
  at: number,
  reason: string,
): Transition {
  const version = previous.version + 1;
  let notice = noticeOf(previous, version, { kind: 'flip', from: previous.status, to, at, reason });
  // The change applies whatever the rate; only how people hear of it depends on the flapping.
  next.flap = currentFlap(previous.flap, at);
  if (isAlertWorthy(previous.status, to)) {
    const counted = countChange(next.flap, previous.status, at);
    next.flap = counted.flap;
    if (counted.verdict === 'start') {
      notice = {
        ...notice,
        kind: 'flapping',
        changes: counted.flap.changes,
        reason: flappingReason(counted.flap, at, to),
      };
    } else if (counted.verdict === 'hold') {
      notice = { ...notice, quiet: true };
    }
  }
  next.version = version;
  next.status = to;
  next.statusSince = at;
  next.remindAt = isDown(to) && next.reminderEveryMs ? at + next.reminderEveryMs : undefined;
  next.pending = [...previous.pending, notice];
  // A flip always sets the wake-up time outright: the status it was planned for is gone.
  next.wakeAt = wakeTimeOf(next);
  return { state: next, notice };
}

/** A notice of the write that makes `version`: that write is unique, so the id is too. */
export function noticeOf(state: JobState, version: number, fields: Omit<Notice, 'id' | 'jobId' | 'projectId'>): Notice {
  return { id: `${state.id}:${version}`, jobId: state.id, projectId: state.projectId, ...fields };
}

function earliestRunStart(state: JobState): number | undefined {
  const starts = Object.values(state.runs);
  return starts.length ? Math.min(...starts) : undefined;
}

/**
 * Closes the run a finish belongs to and returns its start. As in Healthchecks, a finish pairs
 * with a start only by an equal run id, or when neither has one; and a finish without a run id,
 * or any failure, ends every open run (nothing is "running" any more, so nothing can time out).
 */
function finishRun(runs: Record<string, number>, runId: string | undefined, kind: SignalKind): number | undefined {
  const key = runId ?? ANONYMOUS_RUN;
  const startedAt = runs[key];
  delete runs[key];
  if (runId === undefined || kind === 'fail') for (const open of Object.keys(runs)) delete runs[open];
  return startedAt;
}

function capRuns(runs: Record<string, number>): Record<string, number> {
  const entries = Object.entries(runs).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(entries.slice(0, MAX_OPEN_RUNS));
}

function skipPast(from: number, every: number, now: number): number {
  return from + (Math.floor((now - from) / every) + 1) * every;
}

function successReason(from: StoredStatus, since: number, at: number): string {
  if (from === 'new') return 'first ping received';
  if (from === 'paused') return 'a ping resumed the paused job';
  return `a success ping arrived after ${describeDuration(at - since)} ${from}`;
}

function missingReason(state: JobState, deadline: number): string {
  const earliestRun = earliestRunStart(state);
  if (earliestRun !== undefined && earliestRun + state.graceMs === deadline) {
    return `a run started at ${new Date(earliestRun).toISOString()} did not finish within its grace of ${describeDuration(state.graceMs)}`;
  }
  const expected = state.expectedAt === undefined ? 'a ping' : `a ping at ${new Date(state.expectedAt).toISOString()}`;
  return `expected ${expected}; none arrived within the grace of ${describeDuration(state.graceMs)}`;
}
