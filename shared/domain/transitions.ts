import { describeDuration, describeRuntime } from './durations';
import { countChange, currentFlap, flappingReason, hasSettled, settledReason } from './flapping';
import {
  isAlertWorthy,
  isDown,
  isWatched,
  type JobState,
  type Notice,
  type Signal,
  type SignalKind,
  type Status,
  type StoredStatus,
} from './job';
import { nextExpectedAt, type Schedule } from './schedule';

/**
 * The state machine of a job: one pure function, `transition(state, event)`, with the clock in the
 * event. It returns the next state, with any notice it produced already in `pending` (the outbox),
 * so that the caller can persist both in one conditional write. The functions it dispatches to are
 * exported for tests; callers go through `transition`.
 */

/** At most this many runs may be open at once; a job that never finishes must not grow its item. */
export const MAX_OPEN_RUNS = 10;
const ANONYMOUS_RUN = '-';

export interface Transition {
  readonly state: JobState;
  /** The notice this transition produced, if any (also appended to `state.pending`). */
  readonly notice?: Notice;
}

/** What a user may change about a running job: its schedule, grace, reminders and alert rules. */
export interface SettingsChange {
  readonly schedule?: Schedule;
  readonly graceMs?: number;
  readonly reminderEveryMs?: number | null;
  readonly failureThreshold?: number;
  readonly recoveryThreshold?: number;
  readonly maxRuntimeMs?: number | null;
  readonly minRuntimeMs?: number | null;
  readonly lateAlert?: boolean;
}

/**
 * Everything that can happen to a job, the one input of `transition`: a ping (`signal`), the
 * checker looking at it (`check`), or a user pausing, resuming or changing its settings.
 */
export type JobEvent =
  | { readonly kind: 'signal'; readonly signal: Signal }
  | { readonly kind: 'check'; readonly now: number }
  | { readonly kind: 'pause'; readonly now: number }
  | { readonly kind: 'resume'; readonly now: number }
  | { readonly kind: 'change'; readonly change: SettingsChange; readonly now: number };

/** The state machine: the next state of `state` after `event`, with any notice in its outbox. */
export function transition(state: JobState, event: JobEvent): Transition {
  switch (event.kind) {
    case 'signal':
      return applySignal(state, event.signal);
    case 'check':
      return evaluate(state, event.now);
    case 'pause':
      return pause(state, event.now);
    case 'resume':
      return resume(state, event.now);
    case 'change':
      return reschedule(state, event.change, event.now);
  }
}

/** Something overdue the checker must judge: the expected ping, or an open run (its key and start). */
interface Overdue {
  readonly at: number;
  readonly run?: { readonly key: string; readonly start: number };
}

/**
 * The earliest moment something is overdue, if the job is watched: the expected ping at
 * expected + grace, and each open run at its start + `maxRuntimeMs` (or + grace without one).
 */
function earliestOverdue(state: JobState): Overdue | undefined {
  if (!isWatched(state.status)) return undefined;
  let earliest: Overdue | undefined =
    state.expectedAt === undefined ? undefined : { at: state.expectedAt + state.graceMs };
  const allowed = state.maxRuntimeMs ?? state.graceMs;
  for (const [key, start] of Object.entries(state.runs)) {
    if (earliest === undefined || start + allowed < earliest.at)
      earliest = { at: start + allowed, run: { key, start } };
  }
  return earliest;
}

/** The moment the job goes down (or counts a missed run) if nothing arrives; undefined when it cannot. */
export function deadlineOf(state: JobState): number | undefined {
  return earliestOverdue(state)?.at;
}

/** When a `late` notice is due, if the job asks for one and has not had it for this expected time. */
function lateNoticeAt(state: JobState): number | undefined {
  if (!state.lateAlert || !isWatched(state.status) || state.expectedAt === undefined) return undefined;
  return state.lateNoticedFor === state.expectedAt ? undefined : state.expectedAt;
}

/**
 * The status people see at `now`: the stored one, what the checker is about to make of an overdue
 * job, or `late` while a healthy job is inside its grace.
 */
export function statusAt(state: JobState, now: number): Status {
  const overdue = earliestOverdue(state);
  if (overdue !== undefined && now >= overdue.at) return countBad(state, downStatusOf(state, overdue)).to;
  if (state.status === 'healthy' && state.expectedAt !== undefined && now >= state.expectedAt) return 'late';
  return state.status;
}

/**
 * When the checker should next look at this job, if ever (the real time; the index may be
 * earlier): its deadline, its late notice or next reminder, or the moment a flapping job's summary is due.
 */
export function wakeTimeOf(state: JobState): number | undefined {
  const own = isWatched(state.status)
    ? earliest(deadlineOf(state), lateNoticeAt(state))
    : isDown(state.status)
      ? state.remindAt
      : undefined;
  // A hold (maintenance window, intake outage) is released, or looked at again, at its `until`.
  return earliest(earliest(own, state.flap?.settleAt), state.hold?.until);
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
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
  const usefulFrom = isWatched(next.status) ? next.expectedAt : undefined;
  if (usefulFrom !== undefined && current <= usefulFrom) return real;
  return current;
}

/**
 * A ping arrived. `log` signals change nothing (they are only recorded). A finish is a good run,
 * or a bad one: a failure, or a run shorter than `minRuntimeMs` or longer than `maxRuntimeMs`.
 */
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
  const duration = startedAt === undefined ? undefined : Math.max(0, at - startedAt);
  if (duration !== undefined) base.lastDurationMs = duration;
  else delete base.lastDurationMs;
  base.expectedAt = nextExpectedAt(state.schedule, at);

  const failure = signal.kind === 'fail' ? failureReason(signal) : runtimeProblem(state, duration);
  if (failure !== undefined) return countBadRun(state, base, at, 'failed', failure);
  base.lastSuccessAt = at;
  return countGoodRun(state, base, at);
}

/**
 * Counts the job's earliest overdue run or expected ping, if one is overdue at `now`, as a bad run
 * (going down at the failure threshold). `watchedAs` is the status whose expectations are judged:
 * the job's own, or for an `unknown` job the one it had before the intake outage held it, so a
 * miss found after the outage counts against `failureThreshold` like any other. `context` is added
 * to the reason.
 */
export function countOverdue(
  state: JobState,
  now: number,
  watchedAs: StoredStatus = state.status,
  context?: string,
): Transition | undefined {
  const overdue = earliestOverdue({ ...state, status: watchedAs });
  if (overdue === undefined || now < overdue.at) return undefined;
  const next: Mutable<JobState> = { ...state };
  const to = downStatusOf(state, overdue);
  if (countBad(state, to).to === 'failing') {
    // Counted, and the job stays up: judge the next run, not this one again. A missed ping
    // moves the expectation on one scheduled time; an overdue run is closed.
    if (overdue.run) next.runs = withoutRun(state.runs, overdue.run.key);
    else if (state.expectedAt !== undefined) next.expectedAt = nextExpectedAt(state.schedule, state.expectedAt);
  }
  const reason = overdueReason(state, overdue);
  return countBadRun(state, next, now, to, context ? `${reason}; ${context}` : reason);
}

/**
 * What the checker does with a job whose wake-up time has passed, judged against one `now` for the
 * whole sweep: count an overdue run or expected ping (going down at the failure threshold), send
 * a late notice, sum up a flapping job that settled, send a reminder, or only re-arm the wake-up
 * time. One notice per call: a second one due is found by the next sweep.
 */
export function evaluate(state: JobState, now: number): Transition {
  const counted = countOverdue(state, now);
  if (counted) return counted;
  const lateAt = lateNoticeAt(state);
  if (lateAt !== undefined && now >= lateAt) {
    return withNotice(
      state,
      { ...state, lateNoticedFor: lateAt },
      {
        kind: 'late',
        from: state.status,
        to: state.status,
        at: now,
        reason: `expected a ping at ${new Date(lateAt).toISOString()}; it goes missing if none arrives within the grace of ${describeDuration(state.graceMs)}`,
      },
    );
  }
  if (hasSettled(state.flap, now)) {
    const flap = state.flap;
    return withNotice(
      state,
      { ...state, flap: undefined },
      {
        kind: 'settled',
        from: flap.fromStatus ?? state.status,
        to: state.status,
        at: now,
        reason: settledReason(flap, now, state.status),
        changes: flap.changes,
        suppressed: flap.suppressed ?? 0,
      },
    );
  }
  if (isDown(state.status) && state.remindAt !== undefined && now >= state.remindAt) {
    const every = state.reminderEveryMs ?? 0;
    const remindAt = every > 0 ? skipPast(state.remindAt, every, now) : undefined;
    return withNotice(
      state,
      { ...state, remindAt },
      {
        kind: 'reminder',
        from: state.status,
        to: state.status,
        at: now,
        reason: `still ${state.status} after ${describeDuration(now - state.statusSince)}`,
      },
    );
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
 * A user changed the job's settings. A new schedule restarts the expectation from `now` (the old
 * last ping says nothing about the new timetable); a new grace keeps the expected time. New
 * thresholds apply from the next run counted: the runs counted so far stay counted.
 */
export function reschedule(state: JobState, change: SettingsChange, now: number): Transition {
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
  // The defaults are stored as absent, so a job that uses none of the rules keeps its small item.
  if (change.failureThreshold !== undefined) next.failureThreshold = orAbsent(change.failureThreshold, 1);
  if (change.recoveryThreshold !== undefined) next.recoveryThreshold = orAbsent(change.recoveryThreshold, 1);
  if (change.maxRuntimeMs !== undefined) next.maxRuntimeMs = change.maxRuntimeMs ?? undefined;
  if (change.minRuntimeMs !== undefined) next.minRuntimeMs = change.minRuntimeMs ?? undefined;
  if (change.lateAlert !== undefined) next.lateAlert = change.lateAlert || undefined;
  next.wakeAt = wakeTimeOf(next);
  return { state: next };
}

/** The alert rules of a new job; every one is optional and absent means the default. */
export type AlertRules = Pick<
  SettingsChange,
  'failureThreshold' | 'recoveryThreshold' | 'maxRuntimeMs' | 'minRuntimeMs' | 'lateAlert'
>;

/** A brand-new job: `new` until its first success, with the first expected time for display. */
export function createState(
  input: {
    id: string;
    projectId: string;
    schedule: Schedule;
    graceMs: number;
    reminderEveryMs?: number;
    now: number;
  } & AlertRules,
): JobState {
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
    ...(orAbsent(input.failureThreshold, 1) ? { failureThreshold: input.failureThreshold } : {}),
    ...(orAbsent(input.recoveryThreshold, 1) ? { recoveryThreshold: input.recoveryThreshold } : {}),
    ...(input.maxRuntimeMs ? { maxRuntimeMs: input.maxRuntimeMs } : {}),
    ...(input.minRuntimeMs ? { minRuntimeMs: input.minRuntimeMs } : {}),
    ...(input.lateAlert ? { lateAlert: true } : {}),
  };
}

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function orAbsent(value: number | null | undefined, byDefault: number): number | undefined {
  return value === null || value === undefined || value === byDefault ? undefined : value;
}

/** The status a bad run takes the job to, and how many bad runs in a row that makes. */
function countBad(state: JobState, down: StoredStatus): { to: StoredStatus; count: number } {
  if (isDown(state.status)) return { to: down, count: 0 };
  const count = (state.streak ?? 0) + 1;
  return { to: count >= (state.failureThreshold ?? 1) ? down : 'failing', count };
}

/**
 * A failed, missed or overrunning run. An up job counts it: below `failureThreshold` it is (or
 * stays) `failing`, unalerted; at the threshold it goes down. A down job is already known to be
 * broken: the count of good runs towards its recovery starts again.
 */
function countBadRun(
  previous: JobState,
  next: Mutable<JobState>,
  at: number,
  down: StoredStatus,
  reason: string,
): Transition {
  const { to, count } = countBad(previous, down);
  const threshold = previous.failureThreshold ?? 1;
  delete next.streak;
  if (to === 'failing') {
    next.streak = count;
    const counted = `${reason} (${count} of ${threshold} consecutive failed or missed runs before alerting)`;
    return previous.status === 'failing' ? settle(previous, next) : flipTo(previous, next, 'failing', at, counted);
  }
  if (previous.status === to) return settle(previous, next);
  return flipTo(previous, next, to, at, threshold > 1 && count > 1 ? `${reason} (${count} in a row)` : reason);
}

/**
 * A good run. A down job needs `recoveryThreshold` of them in a row to be healthy again; an up job
 * is healthy at once, and its count of bad runs starts again.
 */
function countGoodRun(previous: JobState, next: Mutable<JobState>, at: number): Transition {
  delete next.streak;
  if (previous.status === 'healthy') return settle(previous, next);
  if (isDown(previous.status)) {
    const count = (previous.streak ?? 0) + 1;
    const threshold = previous.recoveryThreshold ?? 1;
    if (count < threshold) {
      next.streak = count;
      return settle(previous, next);
    }
    const reason = successReason(previous.status, previous.statusSince, at);
    return flipTo(previous, next, 'healthy', at, threshold > 1 ? `${reason} (${count} good runs in a row)` : reason);
  }
  return flipTo(previous, next, 'healthy', at, successReason(previous.status, previous.statusSince, at));
}

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
  let fields: NoticeFields = { kind: 'flip', from: previous.status, to, at, reason };
  // The change applies whatever the rate; only how people hear of it depends on the flapping.
  next.flap = currentFlap(previous.flap, at);
  if (isAlertWorthy(previous.status, to)) {
    const counted = countChange(next.flap, previous.status, at);
    next.flap = counted.flap;
    if (counted.verdict === 'start') {
      fields = {
        ...fields,
        kind: 'flapping',
        changes: counted.flap.changes,
        reason: flappingReason(counted.flap, at, to),
      };
    } else if (counted.verdict === 'hold') {
      fields = { ...fields, quiet: true };
    }
  }
  // Only `failing` carries a count into its new status (its callers set it); any other flip starts afresh.
  if (to !== 'failing') delete next.streak;
  next.status = to;
  next.statusSince = at;
  next.remindAt = isDown(to) && next.reminderEveryMs ? at + next.reminderEveryMs : undefined;
  // A flip always sets the wake-up time outright (in withNotice): the status it was planned for is gone.
  return withNotice(previous, next, fields);
}

type NoticeFields = Omit<Notice, 'id' | 'jobId' | 'projectId'>;

/**
 * The one way a notice is made: by the write that makes `version`, which is unique, so the id is
 * too (withNotice here; hold.ts's release of a maintenance hold).
 */
export function noticeOf(state: JobState, version: number, fields: NoticeFields): Notice {
  return { id: `${state.id}:${version}`, jobId: state.id, projectId: state.projectId, ...fields };
}

/** A transition's notice: it goes into the outbox of `next`, and the wake-up time follows the new state. */
function withNotice(previous: JobState, next: Mutable<JobState>, fields: NoticeFields): Transition {
  const version = previous.version + 1;
  const notice = noticeOf(previous, version, fields);
  next.version = version;
  next.pending = [...previous.pending, notice];
  next.wakeAt = wakeTimeOf(next);
  return { state: next, notice };
}

/** An overdue run is `overrunning` when the job has a runtime limit, else missing, like a missed ping. */
function downStatusOf(state: JobState, overdue: Overdue): StoredStatus {
  return overdue.run && state.maxRuntimeMs !== undefined ? 'overrunning' : 'missing';
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

function withoutRun(runs: Readonly<Record<string, number>>, key: string): Record<string, number> {
  const rest = { ...runs };
  delete rest[key];
  return rest;
}

function capRuns(runs: Record<string, number>): Record<string, number> {
  const entries = Object.entries(runs).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(entries.slice(0, MAX_OPEN_RUNS));
}

function skipPast(from: number, every: number, now: number): number {
  return from + (Math.floor((now - from) / every) + 1) * every;
}

function failureReason(signal: Signal): string {
  const reason =
    signal.exitCode !== undefined ? `the job exited with code ${signal.exitCode}` : 'the job signalled a failure';
  return signal.reason ? `${reason}: ${signal.reason}` : reason;
}

/**
 * Why a finished run's duration makes it a bad run, if it does. A run of exactly `minRuntimeMs`
 * or exactly `maxRuntimeMs` is good; a finish without a start has no duration to judge.
 */
function runtimeProblem(state: JobState, duration: number | undefined): string | undefined {
  if (duration === undefined) return undefined;
  if (state.minRuntimeMs !== undefined && duration < state.minRuntimeMs) {
    return `finished in ${describeRuntime(duration)}, expected at least ${describeRuntime(state.minRuntimeMs)}`;
  }
  if (state.maxRuntimeMs !== undefined && duration > state.maxRuntimeMs) {
    return `finished in ${describeRuntime(duration)}, expected at most ${describeRuntime(state.maxRuntimeMs)}`;
  }
  return undefined;
}

function successReason(from: StoredStatus, since: number, at: number): string {
  if (from === 'new') return 'first ping received';
  if (from === 'paused') return 'a ping resumed the paused job';
  if (from === 'failing') return 'a success ping arrived; the failures counted so far are cleared';
  return `a success ping arrived after ${describeDuration(at - since)} ${from}`;
}

function overdueReason(state: JobState, overdue: Overdue): string {
  if (overdue.run) {
    const started = new Date(overdue.run.start).toISOString();
    return state.maxRuntimeMs !== undefined
      ? `a run started at ${started} is still going after its maximum runtime of ${describeRuntime(state.maxRuntimeMs)}`
      : `a run started at ${started} did not finish within its grace of ${describeDuration(state.graceMs)}`;
  }
  const expected = state.expectedAt === undefined ? 'a ping' : `a ping at ${new Date(state.expectedAt).toISOString()}`;
  return `expected ${expected}; none arrived within the grace of ${describeDuration(state.graceMs)}`;
}
