import type * as z from 'zod';
import { ValidationError } from '../errors';

/** Ids CronSentry hands out (jobs, channels, keys) are lower-case random UUIDs. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Turns a zod failure into our ValidationError, naming the field the way the API spells it
 * (`tags.2`, `grace_time`), so clients can put the message next to the right input.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: fieldOf(issue),
      message: messageOf(issue),
    })),
  );
}

function fieldOf(issue: z.core.$ZodIssue): string {
  const path =
    issue.code === 'unrecognized_keys' && issue.keys.length > 0 ? [...issue.path, issue.keys[0]] : issue.path;
  // A key that is the empty string names no field a client could show: the body it is in.
  return path.join('.') || 'body';
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field (allowed fields are documented in docs/api.md)`;
  return issue.message;
}
