import * as z from 'zod';
import { DAY, MINUTE, SECOND, describeDuration, parseDuration } from '../domain/durations';
import { lineTextProblem, proseTextProblem } from '../domain/plain-text';
import {
  parseSchedule,
  ScheduleError,
  shortestPeriodMs,
  StepBudget,
  upcoming,
  type Schedule,
} from '../domain/schedule';
import { ValidationError } from '../errors';
import { parseInput, UUID_PATTERN } from './validation';
import { awsSourceInput, toAwsSource } from './aws-source-input';
import type { AwsSource } from '../domain/aws-events/source';
import type { AlertRules, SettingsChange } from '../domain/transitions';
import { fromAwsScheduleExpression, ScheduleExpressionError } from '../domain/aws-schedule-expression';

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

const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.:/-]*$/u;

/** `grace_time`: a number is minutes (what people already send); a string is a duration. */
const durationInput = z.union([z.number().positive().finite(), z.string().min(1).max(20)], {
  error: 'must be a number of minutes or a duration such as "90s", "5m", "2h"',
});

/**
 * Refuses text no channel could carry safely (see shared/domain/plain-text.ts): checked when the
 * job is saved, so an alert is never refused when it is sent.
 */
function safeText(problemOf: (text: string) => string | undefined) {
  return (text: string, context: z.RefinementCtx) => {
    const problem = problemOf(text);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  };
}

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(LIMITS.nameLength).superRefine(safeText(lineTextProblem)),
  description: z.string().max(LIMITS.descriptionLength).superRefine(safeText(proseTextProblem)),
  schedule: z.string().trim().min(1, 'must not be empty').max(LIMITS.scheduleLength),
  timezone: z.string().min(1).max(64),
  grace_time: durationInput,
  tags: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .max(LIMITS.tagLength)
        .regex(TAG_PATTERN, 'tags are letters, digits and _ . : / -, starting with a letter or digit')
        .superRefine(safeText(lineTextProblem)),
    )
    .max(LIMITS.tags),
  channels: z.array(z.string().regex(UUID_PATTERN, 'must be a channel id')).max(LIMITS.channels),
  reminder_every: z.union([z.string().min(1).max(20), z.null()]),
  aws_source: z.union([awsSourceInput, z.null()]),
  failure_threshold: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(LIMITS.maxThreshold, `must be at most ${LIMITS.maxThreshold}`),
  recovery_threshold: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(LIMITS.maxThreshold, `must be at most ${LIMITS.maxThreshold}`),
  max_runtime: z.union([durationInput, z.null()]),
  min_runtime: z.union([durationInput, z.null()]),
  late_alert: z.boolean(),
};

/** The body of `POST /api/jobs` (exported for the OpenAPI document). */
export const createSchema = z
  .object({
    name: fields.name,
    description: fields.description.default(''),
    schedule: fields.schedule,
    timezone: fields.timezone.default('UTC'),
    grace_time: fields.grace_time,
    tags: fields.tags.default([]),
    channels: fields.channels.optional(),
    reminder_every: fields.reminder_every.optional(),
    aws_source: fields.aws_source.optional(),
    failure_threshold: fields.failure_threshold.default(1),
    recovery_threshold: fields.recovery_threshold.default(1),
    max_runtime: fields.max_runtime.optional(),
    min_runtime: fields.min_runtime.optional(),
    late_alert: fields.late_alert.default(false),
  })
  .strict();

/** The body of `PATCH /api/jobs/{id}` (exported for the OpenAPI document). */
export const updateSchema = z
  .object({
    name: fields.name,
    description: fields.description,
    schedule: fields.schedule,
    timezone: fields.timezone,
    grace_time: fields.grace_time,
    tags: fields.tags,
    channels: fields.channels,
    reminder_every: fields.reminder_every,
    aws_source: fields.aws_source,
    failure_threshold: fields.failure_threshold,
    recovery_threshold: fields.recovery_threshold,
    max_runtime: fields.max_runtime,
    min_runtime: fields.min_runtime,
    late_alert: fields.late_alert,
  })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field to change' });

/** `POST /api/jobs` as its schema leaves it (defaults filled in): what `JobsService.create` takes. */
export type JobCreateInput = z.output<typeof createSchema>;
/** `PATCH /api/jobs/{id}` as its schema leaves it: what `JobsService.update` takes. */
export type JobUpdateInput = z.output<typeof updateSchema>;

/** Checks a body against `POST /api/jobs`' schema; a ValidationError names the first bad field. */
export function parseJobCreate(body: unknown): JobCreateInput {
  return parseInput(createSchema, body);
}

/** Checks a body against `PATCH /api/jobs/{id}`' schema. */
export function parseJobUpdate(body: unknown): JobUpdateInput {
  return parseInput(updateSchema, body);
}

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

export const previewSchema = z.object({ schedule: fields.schedule, timezone: fields.timezone.default('UTC') }).strict();

/**
 * cron-parser `next()` calls one schedule someone sends may cost: checking it, and a preview of
 * its next runs. A minutely job sampled across a clock change needs about 1,200; past the bound
 * the answer is a 400, so no request can hold the API (or the sandbox's pings) for seconds.
 */
export const SCHEDULE_STEPS = 3_000;

export type SchedulePreviewInput = z.output<typeof previewSchema>;

/** The schedule of `POST /api/schedule/preview` and its next `count` times, within one budget. */
export function previewSchedule(input: SchedulePreviewInput, minimumMs: number, now: number, count: number) {
  const budget = new StepBudget(SCHEDULE_STEPS);
  const schedule = toSchedule(input.schedule, input.timezone, minimumMs, now, budget);
  return { schedule, next: withinBudget(() => upcoming(schedule, now, count, budget)) };
}

function withinBudget<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ScheduleError) throw ValidationError.of(error.field, error.message);
    throw error;
  }
}

function toSchedule(
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
