/**
 * The JSON shapes of the CronSentry HTTP API as the dashboard reads them (snake_case, ISO times).
 * They mirror the API contract; the status words come from the domain so both sides agree.
 */
import type { SignalKind, Status } from '../../../shared/domain/job';

import type { MaintenanceWindowView } from '../../../shared/app/maintenance-view';

export type { SignalKind, Status };
/** A maintenance window as `/api/maintenance` returns it (the type of its zod schema). */
export type MaintenanceWindow = MaintenanceWindowView;

export type Role = 'read-write' | 'read-only';

export interface Me {
  project: { id: string; name: string };
  key: { id: string; name: string; role: Role };
}

export interface Job {
  /** The ping credential: absent for read-only keys, which name jobs by `unique_key`. */
  id?: string;
  /** An opaque, stable name of the job that cannot ping; every key may address the job by it. */
  unique_key: string;
  name: string;
  description: string;
  tags: string[];
  channels: string[];
  schedule: string;
  timezone: string;
  schedule_description: string;
  grace_time: number | string;
  grace_seconds: number;
  reminder_every: string | null;
  failure_threshold: number;
  recovery_threshold: number;
  max_runtime: number | string | null;
  min_runtime: number | string | null;
  late_alert: boolean;
  status: Status;
  /** Failed or missed runs counted towards `failure_threshold` (while `failing`). */
  failure_count: number;
  /** Good runs counted towards `recovery_threshold` (while down). */
  recovery_count: number;
  status_since: string;
  run_in_progress: boolean;
  last_ping_at: string | null;
  last_ping_kind: SignalKind | null;
  last_exit_code: number | null;
  last_duration_ms: number | null;
  next_expected_at: string | null;
  deadline_at: string | null;
  /** Absent for read-only keys. */
  ping_url?: string;
  created_at: string;
  updated_at: string;
}

export interface JobInput {
  name: string;
  description?: string;
  schedule: string;
  timezone?: string;
  grace_time: number | string;
  tags?: string[];
  channels?: string[];
  reminder_every?: string | null;
  failure_threshold?: number;
  recovery_threshold?: number;
  max_runtime?: number | string | null;
  min_runtime?: number | string | null;
  late_alert?: boolean;
}

export interface JobPage {
  jobs: Job[];
  next_cursor: string | null;
}

export interface JobSummary {
  counts: Record<Status, number>;
  total: number;
  tags: string[];
}

export interface Ping {
  kind: SignalKind;
  at: string;
  exit_code: number | null;
  duration_ms: number | null;
  run_id: string | null;
  method: string;
  source_ip: string;
  user_agent: string;
  body: string;
  body_truncated: boolean;
}

export interface Flip {
  id: string;
  from: Status;
  to: Status;
  at: string;
  reason: string;
}

export interface SchedulePreview {
  schedule_description: string;
  next: string[];
}

export const CHANNEL_KINDS = [
  'webhook',
  'slack',
  'discord',
  'email',
  'sns',
  'pagerduty',
  'opsgenie',
  'teams',
  'googlechat',
  'telegram',
  'ntfy',
  'pushover',
  'mattermost',
  'rocketchat',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export type ChannelEvent = 'down' | 'up';

export interface Channel {
  id: string;
  kind: ChannelKind;
  name: string;
  settings: Record<string, unknown>;
  events: ChannelEvent[];
  is_default: boolean;
  last_delivery: null | { at: string; outcome: 'sent' | 'failed'; error?: string };
  created_at: string;
}

export interface ChannelInput {
  kind: ChannelKind;
  name: string;
  settings: Record<string, unknown>;
  events: ChannelEvent[];
  is_default: boolean;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

export interface Delivery {
  notice_id: string;
  channel_id: string;
  channel_kind: string;
  /** Absent for read-only keys. */
  job_id?: string | null;
  job_unique_key: string | null;
  event: string;
  test: boolean;
  first_at: string;
  at: string;
  /** `sending` while a notifier holds the claim. */
  outcome: 'sending' | 'sent' | 'failed';
  retryable: boolean;
  detail?: string;
  error?: string;
  attempts: number;
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    details?: { field: string; message: string }[];
  };
}

/** How the dashboard names a job in its links and API calls: the id where the key may see it. */
export function jobRef(job: Pick<Job, 'id' | 'unique_key'>): string {
  return job.id ?? job.unique_key;
}
