import type * as z from 'zod';
import { formatDuration } from '../domain/durations';
import { nextOccurrence, occurrenceAt, type MaintenanceWindow, type Occurrence } from '../domain/maintenance';
import { uniqueKeyOf } from '../domain/unique-key';
import type { maintenanceWindowViewSchema } from './maintenance-input';

export type MaintenanceWindowView = z.infer<typeof maintenanceWindowViewSchema>;

const iso = (ms: number) => new Date(ms).toISOString();
const spanView = (span: Occurrence | undefined) => (span ? { start: iso(span.start), end: iso(span.end) } : null);

/**
 * A window as the API shows it, with its current and next span at `now`. A read-only key sees a
 * job window's `job_unique_key`, never the job id (the job's ping credential).
 */
export function maintenanceWindowView(
  window: MaintenanceWindow,
  now: number,
  options: { readOnly?: boolean } = {},
): MaintenanceWindowView {
  const { scope, timing } = window;
  const current = occurrenceAt(timing, now);
  const jobId = scope.kind === 'job' ? scope.jobId : null;
  return {
    id: window.id,
    name: window.name,
    scope: scope.kind,
    tag: scope.kind === 'tag' ? scope.tag : null,
    ...(options.readOnly ? {} : { job_id: jobId }),
    job_unique_key: jobId && uniqueKeyOf(jobId),
    kind: timing.kind,
    start: timing.kind === 'once' ? iso(timing.start) : null,
    end: timing.kind === 'once' ? iso(timing.end) : null,
    cron: timing.kind === 'recurring' ? timing.schedule.expression : null,
    duration: timing.kind === 'recurring' ? formatDuration(timing.durationMs) : null,
    timezone: timing.kind === 'recurring' ? timing.schedule.timezone : 'UTC',
    active: current !== undefined,
    current: spanView(current),
    next: spanView(nextOccurrence(timing, current?.end ?? now)),
    created_at: iso(window.createdAt),
    updated_at: iso(window.updatedAt),
  };
}
