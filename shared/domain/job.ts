import type { AwsSource } from './aws-events/source';
import type { Hold, HoldReason } from './hold';
import type { Schedule } from './schedule';
import type { WakePhase } from './wake-phase';

/**
 * The statuses a job can be stored in. `late` is never stored: it is derived for display
 * (past the expected time, still inside grace), see `statusAt`. `failing`: some runs failed or
 * were missed, fewer than the job's `failureThreshold`, so nobody has been told. `overrunning`: a
 * run is still going past the job's `maxRuntimeMs`. `unknown`: the job's deadline passed while
 * CronSentry's own ping intake was failing, so its silence proves nothing; it is judged again when
 * the intake recovers (shared/domain/hold.ts).
 */
export const STORED_STATUSES = [
  'new',
  'healthy',
  'failing',
  'missing',
  'failed',
  'overrunning',
  'paused',
  'unknown',
] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];
export const STATUSES = [
  'new',
  'healthy',
  'late',
  'failing',
  'missing',
  'failed',
  'overrunning',
  'paused',
  'unknown',
] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses in which something is wrong and people have been told. */
export const DOWN_STATUSES: readonly StoredStatus[] = ['missing', 'failed', 'overrunning'];

/** Statuses in which the job is expected to ping: the checker watches its deadlines. */
export const WATCHED_STATUSES: readonly StoredStatus[] = ['healthy', 'failing'];

export function isWatched(status: StoredStatus): boolean {
  return WATCHED_STATUSES.includes(status);
}

export function isDown(status: StoredStatus): boolean {
  return DOWN_STATUSES.includes(status);
}

/** A change people are told about: something broke, or it recovered. First pings, pauses and resumes are history only. */
export function isAlertWorthy(from: StoredStatus, to: StoredStatus): boolean {
  return isDown(to) || (isDown(from) && to === 'healthy');
}

export const SIGNAL_KINDS = ['success', 'start', 'fail', 'log'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** A ping as the domain sees it: what the job said and when. */
export interface Signal {
  readonly kind: SignalKind;
  readonly at: number;
  readonly exitCode?: number;
  /** Pairs a start with its finish (`?rid=`). */
  readonly runId?: string;
  /** Why a run failed, in a few words (an AWS event's stopped reason); it goes into the flip. */
  readonly reason?: string;
}

export const NOTICE_KINDS = ['flip', 'reminder', 'flapping', 'settled', 'late'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * Something people may need to hear about: a status change (`flip`), a `reminder` that a job
 * is still down, that a job started `flapping` (its changes are held back from then on), or that
 * a flapping job `settled`, or that a ping is `late` (the job's `lateAlert`: at the expected time,
 * before the grace runs out; the status does not change). Recorded once, delivered at least once, never twice per channel.
 * The id is `<job id>:<state version>`: the write that made it is unique, so the id is too.
 */
export interface Notice {
  readonly id: string;
  readonly kind: NoticeKind;
  readonly jobId: string;
  readonly projectId: string;
  /** For `settled`: the status the job had when it started flapping. */
  readonly from: StoredStatus;
  readonly to: StoredStatus;
  readonly at: number;
  readonly reason: string;
  /** A flip held back while the job flaps (or by `heldBy`): recorded in the history, not alerted. */
  readonly quiet?: boolean;
  /** Why a quiet notice was held: a maintenance window, or an outage of CronSentry's own ping intake. */
  readonly heldBy?: HoldReason;
  /** `flapping`: the status changes counted in the window; `settled`: all changes while flapping. */
  readonly changes?: number;
  /** `settled`: how many changes were held back (not alerted) while the job flapped. */
  readonly suppressed?: number;
  /** How often handing this notice to the alert bus failed (counted by the outbox). */
  readonly publishFailures?: number;
}

/**
 * How many alert-worthy changes a job made lately (see shared/domain/flapping.ts). While
 * `settleAt` is set the job is flapping: its changes are recorded but not alerted, and the
 * checker wakes at `settleAt` to send the summary.
 */
export interface FlapState {
  /** When the counting window began (the first change counted in it). */
  readonly windowStart: number;
  /** Alert-worthy changes in the window (while flapping: since flapping began, too). */
  readonly changes: number;
  readonly since?: number;
  /** The status before the change that started the flapping. */
  readonly fromStatus?: StoredStatus;
  readonly suppressed?: number;
  readonly settleAt?: number;
}

/** Stored pings counted against the per-minute limit: the minute from `from` holds `pings`. */
export interface PingWindow {
  /** When the window opened: the first ping counted in it. It closes a minute later. */
  readonly from: number;
  readonly pings: number;
}

/**
 * The hot, small part of a job that every ping reads and writes. Descriptions, tags and channel
 * lists live elsewhere (see JobProfile) so that a ping stays one write unit.
 */
export interface JobState {
  readonly id: string;
  readonly projectId: string;
  readonly schedule: Schedule;
  readonly graceMs: number;
  readonly status: StoredStatus;
  readonly statusSince: number;
  /** Bumped by every write: the compare-and-set token that makes races lose cleanly. */
  readonly version: number;
  readonly lastPingAt?: number;
  readonly lastPingKind?: SignalKind;
  readonly lastSuccessAt?: number;
  readonly lastExitCode?: number;
  readonly lastDurationMs?: number;
  /** When the next success ping is expected; set while the job is monitored. */
  readonly expectedAt?: number;
  /** Runs that started and have not finished: run id (or `-` for an anonymous run) → start time. */
  readonly runs: Readonly<Record<string, number>>;
  /**
   * The wake-up time in the sparse due index. It may be *earlier* than the real deadline (the
   * checker re-checks the item), never later; absent when nothing can go wrong (new, paused, down).
   */
  readonly wakeAt?: number;
  /**
   * Set when the write that made this version indexed `wakeAt` by its phase within a period rather
   * than by the time itself (shared/domain/wake-phase.ts); then `wakeAt` is the real wake-up time.
   */
  readonly wakePhase?: WakePhase;
  /** Remind every this often while down; absent = never. */
  readonly reminderEveryMs?: number;
  /** When the next reminder is due (only while down with reminders on). */
  readonly remindAt?: number;
  /** Notices written but not yet handed to the alert bus (the outbox). */
  readonly pending: readonly Notice[];
  /**
   * While set and in the future, one publisher is draining the outbox; others leave it alone, so
   * each notice reaches the bus once and in order. Expires by itself if its holder crashes.
   */
  readonly publishLeaseUntil?: number;
  /** Recent alert-worthy changes, for flap handling; absent when there were none lately. */
  readonly flap?: FlapState;
  /** Consecutive failed or missed runs before the job goes down and alerts; absent = 1. */
  readonly failureThreshold?: number;
  /** Consecutive good runs before a down job is healthy again; absent = 1. */
  readonly recoveryThreshold?: number;
  /** A run still open this long after its start is `overrunning`; absent: it goes missing after the grace. */
  readonly maxRuntimeMs?: number;
  /** A run that finishes faster than this counts as failed; absent = no lower bound. */
  readonly minRuntimeMs?: number;
  /** Send a `late` notice at the expected time, before the missing alert at expected + grace. */
  readonly lateAlert?: boolean;
  /**
   * The runs counted towards a threshold: consecutive bad runs while the job is up (`failing`),
   * consecutive good runs while it is down. Absent = 0; every flip starts the count afresh.
   */
  readonly streak?: number;
  /** The expected time a `late` notice was sent for, so each expected ping gets one at most. */
  readonly lateNoticedFor?: number;
  /** Alerts held by a maintenance window or an intake outage (shared/domain/hold.ts). */
  readonly hold?: Hold;
  /**
   * The ping rate gate's count (shared/app/ping-rate.ts). Absent while it follows from `lastPingAt`
   * (a window opened by that ping, holding it alone), so a job that pings less often than once a
   * minute writes no byte more.
   */
  readonly pingWindow?: PingWindow;
}

/** The descriptive part of a job, kept out of the hot item. */
export interface JobProfile {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly channelIds: readonly string[];
  /** The AWS resource whose state-change events ping this job, if any. */
  readonly awsSource?: AwsSource;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface Job {
  readonly state: JobState;
  readonly profile: JobProfile;
}
