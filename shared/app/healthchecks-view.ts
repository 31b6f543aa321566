import type { Job, Status } from '../domain/job';
import { scheduleText } from '../domain/schedule';
import { statusAt } from '../domain/transitions';
import { uniqueKeyOf } from '../domain/unique-key';
import type { FlipRecord, PingRecord } from '../domain/history';
import { slugify } from './slugs';

/**
 * CronSentry's jobs, pings and flips in the shapes of Healthchecks' Management API v3
 * (`Check.to_dict`, `Ping.to_dict`, `Flip.to_dict` in hc/api/models.py).
 */

/**
 * Healthchecks' status words: `grace` is CronSentry's `late`, and `failing` (counted, not alerted
 * yet) is closest to it; missing, failed and overrunning are all `down`.
 */
const STATUS_WORD: Record<Status, string> = {
  new: 'new',
  healthy: 'up',
  late: 'grace',
  failing: 'grace',
  missing: 'down',
  failed: 'down',
  overrunning: 'down',
  paused: 'paused',
};

export function healthchecksStatus(status: Status): string {
  return STATUS_WORD[status];
}

/** `2020-03-24T14:02:03+00:00`: Healthchecks' `isostring` (whole seconds, explicit offset). */
export function hcTime(ms: number | undefined): string | null {
  if (ms === undefined) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

export interface CheckViewOptions {
  readonly now: number;
  readonly baseUrl: string;
  /** Read-only keys see `unique_key` and nothing that can ping or change the check. */
  readonly readonly: boolean;
}

export function checkView({ state, profile }: Job, options: CheckViewOptions) {
  const base = options.baseUrl.replace(/\/$/, '');
  const status = statusAt(state, options.now);
  const view: Record<string, unknown> = {
    name: profile.name,
    slug: slugify(profile.name) ?? '',
    tags: profile.tags.join(' '),
    desc: profile.description,
    grace: Math.round(state.graceMs / 1000),
    status: healthchecksStatus(status),
    started: Object.keys(state.runs).length > 0,
    last_ping: hcTime(state.lastPingAt),
    next_ping: status === 'paused' || status === 'new' ? null : hcTime(state.expectedAt),
    manual_resume: false,
    methods: '',
    subject: '',
    subject_fail: '',
    start_kw: '',
    success_kw: '',
    failure_kw: '',
    filter_subject: false,
    filter_body: false,
    filter_http_body: false,
    filter_default_fail: false,
  };
  if (state.lastDurationMs) view.last_duration = Math.round(state.lastDurationMs / 1000);
  if (options.readonly) {
    view.unique_key = uniqueKeyOf(state.id);
  } else {
    const updateUrl = `${base}/api/v3/checks/${state.id}`;
    Object.assign(view, {
      uuid: state.id,
      ping_url: `${base}/ping/${state.id}`,
      update_url: updateUrl,
      pause_url: `${updateUrl}/pause`,
      resume_url: `${updateUrl}/resume`,
      channels: [...profile.channelIds].sort().join(','),
    });
  }
  if (state.schedule.kind === 'interval') {
    view.timeout = Math.round(state.schedule.everyMs / 1000);
  } else {
    view.schedule = scheduleText(state.schedule);
    view.tz = state.schedule.timezone;
  }
  return view;
}

/**
 * A ping as Healthchecks lists it. CronSentry numbers no pings, so `n` counts within the list
 * (oldest listed = 1); ping bodies are not served separately (`body_url` is null; CronSentry's
 * own `GET /api/jobs/{id}/pings` carries them).
 */
export function pingListView(pings: readonly PingRecord[], scheme: string) {
  return pings.map((ping, index) => ({
    type: ping.kind,
    date: new Date(ping.at).toISOString().replace('Z', '+00:00'),
    n: pings.length - index,
    scheme,
    remote_addr: ping.sourceIp,
    method: ping.method,
    ua: ping.userAgent,
    rid: ping.runId ?? null,
    body_url: null,
    ...(ping.durationMs !== undefined ? { duration: Math.round(ping.durationMs / 10) / 100 } : {}),
  }));
}

export function flipView(flip: FlipRecord) {
  return { timestamp: hcTime(flip.at), up: flip.to === 'healthy' ? 1 : 0 };
}
