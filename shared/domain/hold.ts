import { MINUTE } from './durations';
import { isAlertWorthy, isDown, type JobState, type Notice, type StoredStatus } from './job';
import { countOverdue, deadlineOf, flipTo, noticeOf, transition, wakeTimeOf, type Transition } from './transitions';

/**
 * Holding alerts back: two reasons to record a job's status changes without telling anyone.
 *
 * - `maintenance`: the job is inside a maintenance window (shared/domain/maintenance.ts). Statuses
 *   are computed and flips recorded as always; the notices are quiet, marked `heldBy`. When the
 *   window ends, people hear once what changed from what they last heard: a job still down alerts
 *   once; a job that went down and recovered inside the window sends nothing.
 * - `intake`: CronSentry's own ping intake is failing (the canary or the ingest volume says so),
 *   so a job's silence proves nothing. A job whose deadline passes goes `unknown` instead of
 *   `missing`. When the intake recovers, each such job is judged again: one that pinged meanwhile
 *   is already back (a ping on an `unknown` job is not alerted), one that has still not pinged
 *   goes `missing` and alerts as usual.
 *
 * These wrap the state machine in transitions.ts; they are pure like it.
 */
export const HOLD_REASONS = ['maintenance', 'intake'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export interface Hold {
  readonly reason: HoldReason;
  /** The status people last heard of: the one the job had when the hold began. */
  readonly heard: StoredStatus;
  /** When the checker looks at the hold again: the window's end, or the next intake check. */
  readonly until: number;
}

/** The maintenance window a job is inside at the moment of a decision, as the caller found it. */
export interface Quiet {
  readonly until: number;
  readonly name: string;
}

export interface JudgeContext {
  /** CronSentry's own ping intake is failing: a deadline passing now proves nothing. */
  readonly intakeFailing?: boolean;
  /** Set when the job is inside a maintenance window now. */
  readonly quiet?: Quiet;
  /** How often an `unknown` job is looked at again while the intake fails; default INTAKE_RECHECK_MS. */
  readonly recheckMs?: number;
}

/** How often an `unknown` job is looked at again while the intake is still failing. */
export const INTAKE_RECHECK_MS = MINUTE;

/** Whether people would hear of this notice (the state machine's side of the alert bus's rule). */
export function isHeard(notice: Notice | undefined): notice is Notice {
  if (!notice || notice.quiet) return false;
  return notice.kind !== 'flip' || isAlertWorthy(notice.from, notice.to);
}

/**
 * What the checker does with a due job, given the intake's health and the job's maintenance window
 * at `now`. Without a hold or an intake outage this is the state machine's `check`.
 */
export function judge(current: JobState, now: number, context: JudgeContext = {}): Transition {
  // An intake hold ends with `unknown` (a ping, a pause); one left behind must not keep waking the checker.
  const state =
    current.hold?.reason === 'intake' && current.status !== 'unknown' ? { ...current, hold: undefined } : current;
  const hold = state.hold;
  if (hold && now >= hold.until) {
    if (hold.reason === 'intake' && state.status === 'unknown') return judgeUnknown(state, now, context);
    if (hold.reason === 'maintenance' && !context.quiet) return release(state, hold, now);
  }
  const deadline = deadlineOf(state);
  if (context.intakeFailing && deadline !== undefined && now >= deadline) {
    const reason =
      `no ping by ${iso(deadline)}, but CronSentry's own ping intake is failing, so the silence proves nothing; ` +
      'judged again when the intake recovers';
    const transition = flipTo(state, { ...state }, 'unknown', now, reason);
    const held: Hold = {
      reason: 'intake',
      heard: heardOf(state),
      until: now + (context.recheckMs ?? INTAKE_RECHECK_MS),
    };
    return quietNotice(transition, 'intake', held);
  }
  return withMaintenance(state, transition(state, { kind: 'check', now }), context.quiet);
}

/**
 * Applies a maintenance window (or its recent end) to a transition the state machine made, on any
 * path: a ping, the checker, the API. Inside a window a notice people would hear becomes quiet and
 * the job remembers what people last heard. After the window, before the checker released the
 * hold, a change that only undoes what people never heard (down and up again) stays quiet.
 */
export function withMaintenance(previous: JobState, transition: Transition, quiet: Quiet | undefined): Transition {
  let state = transition.state;
  if (state.hold?.reason === 'intake' && state.status !== 'unknown') state = { ...state, hold: undefined };
  const notice = transition.notice;
  const hold = state.hold?.reason === 'maintenance' ? state.hold : undefined;
  if (quiet) {
    if (isHeard(notice)) {
      const held: Hold = {
        reason: 'maintenance',
        heard: heardOf(previous),
        until: Math.max(quiet.until, hold?.until ?? 0),
      };
      return quietNotice({ state, notice }, 'maintenance', held, `maintenance window "${quiet.name}"`);
    }
    if (hold && hold.until < quiet.until) return { state: withHold(state, { ...hold, until: quiet.until }), notice };
    return { state, notice };
  }
  if (hold && isHeard(notice) && notice.kind === 'flip') {
    const unheard = isDown(notice.to) === isDown(hold.heard);
    const released = { ...state, hold: undefined };
    if (!unheard) return { state: released, notice };
    return quietNotice({ state: released, notice }, 'maintenance', undefined, 'a maintenance window that just ended');
  }
  return { state, notice };
}

/** The window is over: tell people once what changed since they last heard, if anything did. */
function release(state: JobState, hold: Hold, now: number): Transition {
  const version = state.version + 1;
  const next: JobState = { ...state, version, hold: undefined };
  const changed = isDown(state.status) !== isDown(hold.heard) && isAlertWorthy(hold.heard, state.status);
  if (!changed) return { state: { ...next, wakeAt: wakeTimeOf(next) } };
  const reason = isDown(state.status)
    ? `${state.status} since ${iso(state.statusSince)}, during a maintenance window; still ${state.status} when it ended`
    : `${state.status} again since ${iso(state.statusSince)}, during a maintenance window`;
  const notice = noticeOf(state, version, { kind: 'flip', from: hold.heard, to: state.status, at: now, reason });
  const after: JobState = { ...next, pending: [...state.pending, notice] };
  return { state: { ...after, wakeAt: wakeTimeOf(after) }, notice };
}

/** An `unknown` job looked at again: still held while the intake fails, else missing as usual. */
function judgeUnknown(state: JobState, now: number, context: JudgeContext): Transition {
  if (context.intakeFailing) {
    const next = withHold(
      { ...state, version: state.version + 1 },
      {
        ...state.hold!,
        until: now + (context.recheckMs ?? INTAKE_RECHECK_MS),
      },
    );
    return { state: next };
  }
  // The miss the outage held back is counted now, against failureThreshold like any other.
  const released: JobState = { ...state, hold: undefined };
  const recovered = "CronSentry's ping intake has recovered and the job has still not pinged";
  const counted = countOverdue(released, now, state.hold!.heard, recovered);
  const since = state.lastPingAt ?? state.statusSince;
  const transition = counted ?? flipTo(state, released, 'missing', now, `no ping since ${iso(since)}; ${recovered}`);
  return withMaintenance(state, transition, context.quiet);
}

/** Marks the transition's notice quiet (it stays in the outbox, so the history records it). */
function quietNotice(transition: Transition, by: Hold['reason'], hold: Hold | undefined, what?: string): Transition {
  const notice = transition.notice;
  if (!notice) return transition;
  const quiet: Notice = {
    ...notice,
    quiet: true,
    heldBy: by,
    reason: what ? `${notice.reason} (not alerted: ${what})` : notice.reason,
  };
  const pending = transition.state.pending.map((item) => (item.id === notice.id ? quiet : item));
  const state: JobState = { ...transition.state, pending, hold };
  return { state: hold ? withHold(state, hold) : state, notice: quiet };
}

/** Sets the hold and the wake-up time that follows from it (the old one may be the hold just ended). */
function withHold(state: JobState, hold: Hold): JobState {
  const next = { ...state, hold };
  return { ...next, wakeAt: wakeTimeOf(next) };
}

/** What people last heard of a job: what it was when a hold began, or its status now. */
function heardOf(state: JobState): StoredStatus {
  return state.hold?.heard ?? state.status;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
