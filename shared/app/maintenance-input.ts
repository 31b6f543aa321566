import * as z from 'zod';
import { DAY, MINUTE, formatDuration, parseDuration } from '../domain/durations';
import type { MaintenanceWindow, WindowScope, WindowTiming } from '../domain/maintenance';
import { lineTextProblem } from '../domain/plain-text';
import { parseSchedule, ScheduleError, shortestPeriodMs, StepBudget } from '../domain/schedule';
import { ValidationError } from '../errors';
import { UUID_PATTERN } from './validation';

/**
 * The `/api/maintenance` request bodies. A window is one-off (`start`, `end`) or recurring (`cron`
 * and `duration`, in `timezone`); it covers the whole project, the jobs of one `tag`, or one job
 * (`job_id`). Recurring windows take a cron expression, not an RFC 5545 RRULE: see docs/alerts.md.
 */
export const MAINTENANCE_LIMITS = {
  nameLength: 100,
  windowsPerProject: 100,
  minDurationMs: MINUTE,
  maxDurationMs: 31 * DAY,
} as const;

const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.:/-]*$/u;
/** Validation walks a schedule a bounded number of steps, as job schedules do. */
const CRON_STEPS = 2_000;

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-05-01T22:00:00Z' });
const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAINTENANCE_LIMITS.nameLength)
  .superRefine((text, context) => {
    const problem = lineTextProblem(text);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const fields = {
  name,
  job_id: z.union([z.string().regex(UUID_PATTERN, 'must be the id of a job of this project'), z.null()]),
  tag: z.union([
    z.string().trim().min(1).max(40).regex(TAG_PATTERN, 'tags are letters, digits and _ . : / -'),
    z.null(),
  ]),
  start: z.union([instant, z.null()]),
  end: z.union([instant, z.null()]),
  cron: z.union([z.string().trim().min(1).max(120), z.null()]),
  duration: z.union([z.string().trim().min(1).max(20), z.null()]),
  timezone: z.string().min(1).max(64),
};

/** `POST /api/maintenance`. */
export const maintenanceCreateSchema = z
  .object({
    name: fields.name,
    job_id: fields.job_id.optional(),
    tag: fields.tag.optional(),
    start: fields.start.optional(),
    end: fields.end.optional(),
    cron: fields.cron.optional(),
    duration: fields.duration.optional(),
    timezone: fields.timezone.default('UTC'),
  })
  .strict();

/** `PATCH /api/maintenance/{id}`: any field of the create body; `null` clears an optional one. */
export const maintenancePatchSchema = z
  .object({
    name: fields.name.optional(),
    job_id: fields.job_id.optional(),
    tag: fields.tag.optional(),
    start: fields.start.optional(),
    end: fields.end.optional(),
    cron: fields.cron.optional(),
    duration: fields.duration.optional(),
    timezone: fields.timezone.optional(),
  })
  .strict();

const span = z.object({ start: z.string(), end: z.string() });

/** What every `/api/maintenance` answer carries per window. */
export const maintenanceWindowViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(['project', 'tag', 'job']),
  tag: z.string().nullable(),
  job_id: z.string().nullable().optional().describe('read-write keys only: the job id is its ping credential'),
  job_unique_key: z.string().nullable(),
  kind: z.enum(['once', 'recurring']),
  start: z.string().nullable(),
  end: z.string().nullable(),
  cron: z.string().nullable(),
  duration: z.string().nullable(),
  timezone: z.string(),
  active: z.boolean().describe('inside the window now'),
  current: span.nullable().describe('the span the window is in now'),
  next: span.nullable().describe('the next span to start, if any'),
  created_at: z.string(),
  updated_at: z.string(),
});

export type MaintenanceCreateBody = z.infer<typeof maintenanceCreateSchema>;
export type MaintenancePatchBody = z.infer<typeof maintenancePatchSchema>;

/** What a window body says, checked as a whole: exactly one kind of timing, at most one scope. */
export interface WindowDraft {
  readonly name: string;
  readonly scope: WindowScope;
  readonly timing: WindowTiming;
}

/**
 * A patch is applied to the window's own body and the result checked like a new one. Giving
 * `start`/`end` turns a recurring window into a one-off one (and `cron`/`duration` the other way);
 * giving `job_id` or `tag` replaces the scope.
 */
export function toPatchedWindowDraft(
  current: MaintenanceWindow,
  patch: MaintenancePatchBody,
  now: number,
): WindowDraft {
  const base = bodyOf(current);
  const timingGiven = ['start', 'end', 'cron', 'duration'].some(
    (key) => key in patch && patch[key as 'start'] !== null,
  );
  const toOnce = patch.start != null || patch.end != null;
  const timing = timingGiven
    ? toOnce
      ? { start: base.start, end: base.end, cron: null, duration: null }
      : { start: null, end: null, cron: base.cron, duration: base.duration }
    : {};
  const scope = patch.job_id != null ? { tag: null } : patch.tag != null ? { job_id: null } : {};
  return toWindowDraft({ ...base, ...timing, ...scope, ...patch, timezone: patch.timezone ?? base.timezone }, now);
}

/** A body checked by `maintenanceCreateSchema`, judged as a whole. */
export function toWindowDraft(input: MaintenanceCreateBody, now: number): WindowDraft {
  if (input.job_id && input.tag) throw ValidationError.of('tag', 'give job_id or tag, not both');
  const scope: WindowScope = input.job_id
    ? { kind: 'job', jobId: input.job_id.toLowerCase() }
    : input.tag
      ? { kind: 'tag', tag: input.tag }
      : { kind: 'project' };
  return { name: input.name, scope, timing: toTiming(input, now) };
}

function toTiming(input: MaintenanceCreateBody, now: number): WindowTiming {
  const once = input.start != null || input.end != null;
  const recurring = input.cron != null || input.duration != null;
  if (once && recurring) throw ValidationError.of('cron', 'give start and end, or cron and duration, not both');
  if (once) {
    if (input.start == null) throw ValidationError.of('start', 'is required with end');
    if (input.end == null) throw ValidationError.of('end', 'is required with start');
    const start = Date.parse(input.start);
    const end = Date.parse(input.end);
    if (end <= start) throw ValidationError.of('end', 'must be after start');
    if (end - start > 366 * DAY) throw ValidationError.of('end', 'must be at most a year after start');
    return { kind: 'once', start, end };
  }
  if (input.cron == null) throw ValidationError.of('start', 'give start and end, or cron and duration');
  if (input.duration == null) throw ValidationError.of('duration', 'is required with cron');
  const durationMs = parseDuration(input.duration);
  if (
    durationMs === undefined ||
    durationMs < MAINTENANCE_LIMITS.minDurationMs ||
    durationMs > MAINTENANCE_LIMITS.maxDurationMs
  ) {
    throw ValidationError.of('duration', 'must be a duration from "1m" to "31d", such as "90m" or "2h"');
  }
  let schedule;
  try {
    schedule = parseSchedule(input.cron, input.timezone);
    if (schedule.kind !== 'cron') throw new ScheduleError('schedule', 'must be a cron expression');
    const period = shortestPeriodMs(schedule, now, new StepBudget(CRON_STEPS));
    if (durationMs >= period) {
      throw ValidationError.of(
        'duration',
        `must be shorter than the time between two starts (${formatDuration(period)}): such a window would never end`,
      );
    }
  } catch (error) {
    if (error instanceof ScheduleError) {
      throw ValidationError.of(error.field === 'timezone' ? 'timezone' : 'cron', error.message);
    }
    throw error;
  }
  return { kind: 'recurring', schedule, durationMs };
}

/** A stored window as the body that would create it (the base a patch applies to). */
function bodyOf(window: MaintenanceWindow): MaintenanceCreateBody {
  const { scope, timing } = window;
  return {
    name: window.name,
    job_id: scope.kind === 'job' ? scope.jobId : null,
    tag: scope.kind === 'tag' ? scope.tag : null,
    start: timing.kind === 'once' ? new Date(timing.start).toISOString() : null,
    end: timing.kind === 'once' ? new Date(timing.end).toISOString() : null,
    cron: timing.kind === 'recurring' ? timing.schedule.expression : null,
    duration: timing.kind === 'recurring' ? formatDuration(timing.durationMs) : null,
    timezone: timing.kind === 'recurring' ? timing.schedule.timezone : 'UTC',
  };
}
