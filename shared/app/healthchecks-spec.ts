import * as z from 'zod';
import { ValidationError } from '../errors';
import { slugify } from './slugs';
import { UUID_PATTERN } from './validation';

/**
 * The body of Healthchecks' `POST /api/v3/checks/` and `POST /api/v3/checks/<uuid>` (its `Spec`),
 * checked as strictly as Healthchecks does (no nulls, no floats for seconds, its bounds), and
 * translated into the body of CronSentry's own job routes. Unknown fields are ignored, as there.
 * Fields whose feature CronSentry lacks (keyword filters, POST-only pings, manual resume) are
 * accepted only with the value that means "off", so nothing a client asked for is silently lost.
 */
const MIN_SECONDS = 60;
const MAX_SECONDS = 31_536_000;
/** Healthchecks' defaults for a check created without a period: one day, one hour of grace. */
const DEFAULT_TIMEOUT = 86_400;
const DEFAULT_GRACE = 3_600;

const text = (max: number) => z.string({ error: 'is not a string' }).max(max, 'is too long');
const seconds = z
  .number({ error: 'is not a number' })
  .int('is not a number')
  .min(MIN_SECONDS, 'is too small')
  .max(MAX_SECONDS, 'is too large');
const off = <T extends z.ZodType>(type: T, value: string | boolean, feature: string) =>
  type.refine((given) => given === value, `is not supported by CronSentry (${feature})`);

export const UNIQUE_FIELDS = ['name', 'slug', 'tags', 'timeout', 'grace'] as const;
export type UniqueField = (typeof UNIQUE_FIELDS)[number];

export const specSchema = z.object({
  name: text(100),
  slug: text(100).regex(/^[a-z0-9-_]*$/, 'does not match pattern'),
  tags: z.string({ error: 'is not a string' }),
  desc: z.string({ error: 'is not a string' }),
  timeout: seconds,
  grace: seconds,
  schedule: text(100),
  tz: z.string({ error: 'is not a string' }),
  channels: z.string({ error: 'is not a string' }),
  unique: z.array(z.enum(UNIQUE_FIELDS, { error: 'has unexpected value' }), { error: 'is not an array' }),
  manual_resume: off(z.boolean({ error: 'is not a boolean' }), false, 'a check always resumes on its next ping'),
  methods: off(z.enum(['', 'POST'], { error: 'has unexpected value' }), '', 'every ping method is accepted'),
  subject: off(text(200), '', 'no keyword filters'),
  subject_fail: off(text(200), '', 'no keyword filters'),
  start_kw: off(text(200), '', 'no keyword filters'),
  success_kw: off(text(200), '', 'no keyword filters'),
  failure_kw: off(text(200), '', 'no keyword filters'),
  filter_subject: off(z.boolean({ error: 'is not a boolean' }), false, 'no keyword filters'),
  filter_body: off(z.boolean({ error: 'is not a boolean' }), false, 'no keyword filters'),
  filter_http_body: off(z.boolean({ error: 'is not a boolean' }), false, 'no keyword filters'),
  filter_default_fail: off(z.boolean({ error: 'is not a boolean' }), false, 'no keyword filters'),
  /** CronSentry's own addition, for `cronsentry import`: create the job under this id. */
  uuid: z.string({ error: 'is not a string' }).regex(UUID_PATTERN, 'is not a lower-case UUID'),
});

export type CheckSpec = Partial<z.infer<typeof specSchema>>;

/** Healthchecks' error body: `{"error": "json validation error: grace is too small"}`. */
export class SpecError extends ValidationError {}

export function parseSpec(body: unknown): CheckSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SpecError([{ field: 'body', message: 'json validation error: value is not an object' }]);
  }
  const result = specSchema.partial().safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? 'body');
  const subject = issue.path.length === 2 ? `an item in '${field}'` : field;
  throw new SpecError([{ field, message: `json validation error: ${subject} ${issue.message}` }]);
}

/** Space-separated tags, as Healthchecks stores them. */
export function tagsOf(tags: string): string[] {
  return tags.split(' ').filter((tag) => tag !== '');
}

/** Which of a spec's fields CronSentry's native create/update body carries, and how. */
export interface NativeJobBody {
  name?: string;
  description?: string;
  schedule?: string;
  timezone?: string;
  grace_time?: string;
  tags?: string[];
  channels?: string[];
}

/**
 * The native body for a spec. Like Healthchecks, a `schedule` wins over a `timeout`; `tz` goes
 * with a schedule. `channels` are resolved by the caller (ids or names, `*`, or empty).
 * `current` is the job's name when updating (a slug must stay the slug of the name).
 */
export function nativeBodyOf(spec: CheckSpec, mode: 'create' | 'update', currentName?: string): NativeJobBody {
  const body: NativeJobBody = {};
  const name = spec.name ?? (mode === 'create' ? spec.slug || 'unnamed' : undefined);
  if (name !== undefined) body.name = name === '' ? 'unnamed' : name;
  if (spec.slug) {
    const derived = slugify(body.name ?? currentName ?? '');
    if (derived !== spec.slug) {
      throw new SpecError([
        {
          field: 'slug',
          message: `json validation error: slug must be "${derived ?? ''}": CronSentry derives a job's slug from its name`,
        },
      ]);
    }
  }
  if (spec.desc !== undefined) body.description = spec.desc;
  if (spec.tags !== undefined) body.tags = tagsOf(spec.tags);
  if (spec.schedule !== undefined) {
    body.schedule = spec.schedule;
  } else if (spec.timeout !== undefined) {
    body.schedule = `every ${spec.timeout}s`;
  } else if (mode === 'create') {
    body.schedule = `every ${DEFAULT_TIMEOUT}s`;
  }
  // An update without `tz` keeps the job's zone, as in Healthchecks; a new check starts in UTC.
  if (spec.tz !== undefined) body.timezone = spec.tz;
  else if (mode === 'create') body.timezone = 'UTC';
  if (spec.grace !== undefined) body.grace_time = `${spec.grace}s`;
  else if (mode === 'create') body.grace_time = `${DEFAULT_GRACE}s`;
  return body;
}

/** CronSentry's field names in its own errors, spoken back in Healthchecks' names. */
const SPEC_FIELD_OF: Record<string, string> = {
  description: 'desc',
  timezone: 'tz',
  grace_time: 'grace',
  schedule: 'schedule',
  name: 'name',
  tags: 'tags',
  channels: 'channels',
};

export function specFieldOf(nativeField: string): string {
  return SPEC_FIELD_OF[nativeField.split('.')[0] ?? ''] ?? nativeField;
}
