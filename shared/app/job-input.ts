import * as z from 'zod';
import { lineTextProblem, proseTextProblem } from '../domain/plain-text';
import { StepBudget, upcoming } from '../domain/schedule';
import { parseInput, UUID_PATTERN } from './validation';
import { awsSourceInput } from './aws-source-input';
import { LIMITS, SCHEDULE_STEPS, toSchedule, withinBudget } from './job-draft';

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

export const previewSchema = z.object({ schedule: fields.schedule, timezone: fields.timezone.default('UTC') }).strict();

export type SchedulePreviewInput = z.output<typeof previewSchema>;

/** The schedule of `POST /api/schedule/preview` and its next `count` times, within one budget. */
export function previewSchedule(input: SchedulePreviewInput, minimumMs: number, now: number, count: number) {
  const budget = new StepBudget(SCHEDULE_STEPS);
  const schedule = toSchedule(input.schedule, input.timezone, minimumMs, now, budget);
  return { schedule, next: withinBudget(() => upcoming(schedule, now, count, budget)) };
}
