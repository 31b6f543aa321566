import { MINUTE, formatDuration } from '../domain/durations';
import { isDown, type Job } from '../domain/job';
import { describeSchedule, scheduleText } from '../domain/schedule';
import { deadlineOf, statusAt } from '../domain/transitions';
import { uniqueKeyOf } from '../domain/unique-key';
import type { FlipRecord, PingRecord } from '../domain/history';
import { isoOrNull } from './iso-time';
import { awsSourceView } from './aws-source-mapping';

/** Durations come back in the form people send: minutes as a number when whole, else a duration. */
function durationOut(ms: number): number | string {
  return ms % MINUTE === 0 ? ms / MINUTE : formatDuration(ms);
}

export interface ViewOptions {
  readonly now: number;
  /** Base URL for ping URLs; omitted (with the ping URL) for read-only keys. */
  readonly pingBaseUrl?: string;
  /**
   * A read-only key is looking: no `id` (the id is the ping credential), only `unique_key`, which
   * names the job in every read-only route and cannot ping.
   */
  readonly readOnly?: boolean;
}

/**
 * A notice id (`<job id>:<version>`) as a read-only key may see it: the job id replaced by the
 * job's unique key. Ids of test messages and anything else without a job id pass unchanged.
 */
export function readOnlyNoticeId(noticeId: string): string {
  const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(:.*)?$/i.exec(noticeId);
  return match ? `${uniqueKeyOf(match[1]!)}${match[2] ?? ''}` : noticeId;
}

/** The public JSON of a job (snake_case), with its status as of `now`. */
export function jobView({ state, profile }: Job, options: ViewOptions) {
  const deadline = deadlineOf(state);
  return {
    ...(options.readOnly ? {} : { id: state.id }),
    unique_key: uniqueKeyOf(state.id),
    name: profile.name,
    description: profile.description,
    tags: profile.tags,
    channels: profile.channelIds,
    schedule: scheduleText(state.schedule),
    timezone: state.schedule.timezone,
    schedule_description: describeSchedule(state.schedule),
    grace_time: durationOut(state.graceMs),
    grace_seconds: state.graceMs / 1000,
    reminder_every: state.reminderEveryMs ? formatDuration(state.reminderEveryMs) : null,
    aws_source: awsSourceView(profile.awsSource),
    failure_threshold: state.failureThreshold ?? 1,
    recovery_threshold: state.recoveryThreshold ?? 1,
    max_runtime: state.maxRuntimeMs === undefined ? null : durationOut(state.maxRuntimeMs),
    min_runtime: state.minRuntimeMs === undefined ? null : durationOut(state.minRuntimeMs),
    late_alert: state.lateAlert ?? false,
    status: statusAt(state, options.now),
    // The runs counted towards a threshold: failed or missed ones while up, good ones while down.
    failure_count: isDown(state.status) ? 0 : (state.streak ?? 0),
    recovery_count: isDown(state.status) ? (state.streak ?? 0) : 0,
    status_since: isoOrNull(state.statusSince),
    run_in_progress: Object.keys(state.runs).length > 0,
    last_ping_at: isoOrNull(state.lastPingAt),
    last_ping_kind: state.lastPingKind ?? null,
    last_success_at: isoOrNull(state.lastSuccessAt),
    last_exit_code: state.lastExitCode ?? null,
    last_duration_ms: state.lastDurationMs ?? null,
    next_expected_at: state.status === 'paused' ? null : isoOrNull(state.expectedAt),
    deadline_at: isoOrNull(deadline),
    ...(options.pingBaseUrl ? { ping_url: `${options.pingBaseUrl.replace(/\/$/, '')}/api/ping/${state.id}` } : {}),
    created_at: isoOrNull(profile.createdAt),
    updated_at: isoOrNull(profile.updatedAt),
  };
}

export function pingView(ping: PingRecord) {
  return {
    kind: ping.kind,
    at: isoOrNull(ping.at),
    exit_code: ping.exitCode ?? null,
    duration_ms: ping.durationMs ?? null,
    run_id: ping.runId ?? null,
    method: ping.method,
    source_ip: ping.sourceIp,
    user_agent: ping.userAgent,
    body: ping.body,
    body_truncated: ping.bodyTruncated,
  };
}

export function flipView(flip: FlipRecord, options: { readOnly?: boolean } = {}) {
  return {
    id: options.readOnly ? readOnlyNoticeId(flip.id) : flip.id,
    from: flip.from,
    to: flip.to,
    at: isoOrNull(flip.at),
    reason: flip.reason,
    /** Not alerted, and why: `maintenance` (a window) or `intake` (CronSentry's own ping intake failed). */
    held_by: flip.heldBy ?? null,
  };
}
