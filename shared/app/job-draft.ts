import { DAY, MINUTE, SECOND, describeDuration, parseDuration } from '../domain/durations';
import { parseSchedule, ScheduleError, shortestPeriodMs, StepBudget, type Schedule } from '../domain/schedule';
import { ValidationError } from '../errors';
import { toAwsSource } from './aws-source-mapping';
import type { AwsSource } from '../domain/aws-events/source';
import type { AlertRules, SettingsChange } from '../domain/transitions';
import { fromAwsScheduleExpression, ScheduleExpressionError } from '../domain/aws-schedule-expression';
import type { JobCreateInput, JobUpdateInput } from './job-input';

// What a job's checked input means: a schedule parsed and bounded, durations in ms. Apart from the
// input schemas (./job-input.ts), so that what creates a job without a request body to check (a
// slug ping's `?create=1`, shared/wiring/jobs.ts) loads no zod schema at all.

export const LIMITS = {
  nameLength: 100,
  descriptionLength: 2_000,
  tagLength: 40,
  tags: 20,
  channels: 20,
  scheduleLength: 120,
  maxGraceMs: 365 * DAY,
  /** `failure_threshold` and `recovery_threshold`: runs in a row, 1 (the default) to this. */
  maxThreshold: 100,
  /** `max_runtime`: at least the minimum grace (the checker's promise), up to a week. */
  maxRuntimeMs: 7 * DAY,
  /** `min_runtime`: at least a second (a duration's smallest unit), at most a day. */
  minRuntimeFloorMs: SECOND,
  minRuntimeMs: DAY,
} as const;

export interface JobDraft {
  readonly name: string;
  readonly description: string;
  readonly schedule: Schedule;
  readonly graceMs: number;
  readonly tags: readonly string[];
  /** Undefined: use the project's default channels. */
  readonly channelIds?: readonly string[];
  readonly reminderEveryMs?: number;
  /** The AWS resource whose state-change events ping the job (docs/aws-events.md). */
  readonly awsSource?: AwsSource;
  /** `failure_threshold` … `late_alert`, absent where the default applies. */
  readonly rules: AlertRules;
}

export interface JobPatch {
  readonly name?: string;
  readonly description?: string;
  /** Set when schedule or timezone changed (both are needed to parse either). */
  readonly schedule?: Schedule;
  readonly graceMs?: number;
  readonly tags?: readonly string[];
  readonly channelIds?: readonly string[];
  readonly reminderEveryMs?: number | null;
  /** `null` stops watching the AWS resource. */
  readonly awsSource?: AwsSource | null;
  /** The alert rules the patch changes; `null` removes a runtime bound. */
  readonly rules: SettingsChange;
}

/** What a checked create body means: the schedule parsed and bounded, durations in ms. */
export function toJobDraft(input: JobCreateInput, minimumMs: number, now: number): JobDraft {
  return {
    name: input.name,
    description: input.description,
    schedule: toSchedule(input.schedule, input.timezone, minimumMs, now),
    graceMs: toGrace(input.grace_time, minimumMs),
    tags: unique(input.tags),
    ...(input.channels ? { channelIds: unique(input.channels) } : {}),
    ...(input.reminder_every ? { reminderEveryMs: toReminder(input.reminder_every, minimumMs) } : {}),
    ...(input.aws_source ? { awsSource: toAwsSource(input.aws_source) } : {}),
    rules: toRules(input, {}, minimumMs),
  };
}

/**
 * `current` supplies the schedule text or zone the patch leaves out, and the runtime bounds a
 * new bound is checked against.
 */
export function toJobPatch(
  input: JobUpdateInput,
  current: Schedule,
  currentText: string,
  minimumMs: number,
  now: number,
  currentBounds: RuntimeBounds = {},
): JobPatch {
  const scheduleChanged = input.schedule !== undefined || input.timezone !== undefined;
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(scheduleChanged
      ? {
          schedule: toSchedule(input.schedule ?? currentText, input.timezone ?? current.timezone, minimumMs, now),
        }
      : {}),
    ...(input.grace_time !== undefined ? { graceMs: toGrace(input.grace_time, minimumMs) } : {}),
    ...(input.tags !== undefined ? { tags: unique(input.tags) } : {}),
    ...(input.channels !== undefined ? { channelIds: unique(input.channels) } : {}),
    ...(input.reminder_every !== undefined
      ? { reminderEveryMs: input.reminder_every === null ? null : toReminder(input.reminder_every, minimumMs) }
      : {}),
    ...(input.aws_source !== undefined
      ? { awsSource: input.aws_source === null ? null : toAwsSource(input.aws_source) }
      : {}),
    rules: toRules(input, currentBounds, minimumMs),
  };
}

/** A job's runtime bounds as stored: what a patch that sends only one of them is checked against. */
export interface RuntimeBounds {
  readonly minRuntimeMs?: number;
  readonly maxRuntimeMs?: number;
}

interface RulesInput {
  failure_threshold?: number;
  recovery_threshold?: number;
  max_runtime?: number | string | null;
  min_runtime?: number | string | null;
  late_alert?: boolean;
}

/**
 * The alert rules a body sets (absent: unchanged or the default). `max_runtime` must leave room
 * above `min_runtime`, whichever of the two the body sends and whichever the job already has.
 */
function toRules(input: RulesInput, current: RuntimeBounds, minimumMs: number): SettingsChange {
  const maxRuntimeMs =
    input.max_runtime === undefined || input.max_runtime === null
      ? input.max_runtime
      : toBoundedDuration('max_runtime', input.max_runtime, minimumMs, LIMITS.maxRuntimeMs);
  const minRuntimeMs =
    input.min_runtime === undefined || input.min_runtime === null
      ? input.min_runtime
      : toBoundedDuration('min_runtime', input.min_runtime, LIMITS.minRuntimeFloorMs, LIMITS.minRuntimeMs);
  const max = maxRuntimeMs === undefined ? current.maxRuntimeMs : (maxRuntimeMs ?? undefined);
  const min = minRuntimeMs === undefined ? current.minRuntimeMs : (minRuntimeMs ?? undefined);
  if (max !== undefined && min !== undefined && max <= min) {
    const field = maxRuntimeMs !== undefined ? 'max_runtime' : 'min_runtime';
    throw ValidationError.of(
      field,
      field === 'max_runtime'
        ? `must be more than min_runtime (${describeDuration(min)})`
        : `must be less than max_runtime (${describeDuration(max)})`,
    );
  }
  return {
    ...(input.failure_threshold !== undefined ? { failureThreshold: input.failure_threshold } : {}),
    ...(input.recovery_threshold !== undefined ? { recoveryThreshold: input.recovery_threshold } : {}),
    ...(maxRuntimeMs !== undefined ? { maxRuntimeMs } : {}),
    ...(minRuntimeMs !== undefined ? { minRuntimeMs } : {}),
    ...(input.late_alert !== undefined ? { lateAlert: input.late_alert } : {}),
  };
}

/** A duration as `grace_time` takes it (a number of minutes, or `"90s"`, `"2h"`), within bounds. */
function toBoundedDuration(field: string, value: number | string, floor: number, ceiling: number): number {
  const ms = typeof value === 'number' ? Math.round(value * MINUTE) : parseDuration(value);
  if (ms === undefined) {
    throw ValidationError.of(field, 'must be a number of minutes or a duration such as "90s", "5m", "2h"');
  }
  if (ms < floor) throw ValidationError.of(field, `must be at least ${describeDuration(floor)}`);
  if (ms > ceiling) throw ValidationError.of(field, `must be at most ${describeDuration(ceiling)}`);
  return ms;
}

/**
 * cron-parser `next()` calls one schedule someone sends may cost: checking it, and a preview of
 * its next runs. A minutely job sampled across a clock change needs about 1,200; past the bound
 * the answer is a 400, so no request can hold the API (or the sandbox's pings) for seconds.
 */
export const SCHEDULE_STEPS = 3_000;

export function withinBudget<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ScheduleError) throw ValidationError.of(error.field, error.message);
    throw error;
  }
}

export function toSchedule(
  text: string,
  timezone: string,
  minimumMs: number,
  now: number,
  budget = new StepBudget(SCHEDULE_STEPS),
): Schedule {
  let schedule: Schedule;
  try {
    schedule = parseSchedule(fromAwsScheduleExpression(text), timezone);
  } catch (error) {
    if (error instanceof ScheduleError) throw ValidationError.of(error.field, error.message);
    if (error instanceof ScheduleExpressionError) throw ValidationError.of('schedule', error.message);
    throw error;
  }
  const period = withinBudget(() => shortestPeriodMs(schedule, now, budget));
  if (period < minimumMs) {
    throw ValidationError.of('schedule', `runs more often than the minimum of ${describeDuration(minimumMs)}`);
  }
  if (schedule.kind === 'interval' && schedule.everyMs > LIMITS.maxGraceMs) {
    throw ValidationError.of('schedule', `interval must be at most ${describeDuration(LIMITS.maxGraceMs)}`);
  }
  return schedule;
}

function toGrace(value: number | string, minimumMs: number): number {
  return toBoundedDuration('grace_time', value, minimumMs, LIMITS.maxGraceMs);
}

function toReminder(value: string, minimumMs: number): number {
  const ms = parseDuration(value);
  const floor = Math.max(minimumMs, 60 * SECOND);
  if (ms === undefined)
    throw ValidationError.of('reminder_every', 'must be a duration such as "30m", "2h", "1d", or null');
  if (ms < floor) throw ValidationError.of('reminder_every', `must be at least ${describeDuration(floor)}`);
  if (ms > 30 * DAY) throw ValidationError.of('reminder_every', 'must be at most 30 d');
  return ms;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
