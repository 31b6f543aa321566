import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod's mini API: every function loads this module at cold start, and classic zod, which builds
// its chaining methods onto every schema it constructs, costs about 15 ms to import alone; mini
// about 2 ms (docs/benchmarks.md, "Cold starts"). Mini has no messages until a locale is set; the
// locale is zod's global configuration, the same one classic zod sets where something imports it.
z.config(en());

/** A whole number of `min`…`max`, given as text (environment variables are text); `fallback` when unset. */
const wholeNumber = (min: number, max: number, fallback: number) =>
  z._default(z.pipe(z.coerce.number(), z.int().check(z.minimum(min), z.maximum(max))), fallback);
/** A number of `min`…`max`, given as text; `fallback` when unset. */
const decimal = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.minimum(min), z.maximum(max)), fallback);
/** A yes/no setting spelled as one of `values`, true for the `truthy` ones; `fallback` when unset. */
const flag = <const T extends readonly [string, ...string[]]>(
  values: T,
  fallback: T[number],
  truthy: readonly T[number][],
) =>
  z.pipe(
    z._default(z.enum(values), fallback as never),
    z.transform((value: string) => truthy.includes(value)),
  );

/**
 * Every setting CronSentry reads, validated once per process. `process.env` is read here and
 * nowhere else; a missing or malformed setting fails at start-up (cold start), not mid-request.
 * Written with zod's mini API (see above).
 */
const settingsSchema = z.object({
  /** DynamoDB table holding everything. */
  TABLE_NAME: z._default(z.string().check(z.minLength(1)), 'cronsentry'),
  /** SNS topic every notice is published to (AWS only). */
  ALERTS_TOPIC_ARN: z.optional(z.string()),
  /** Verified SES sender for e-mail alerts. */
  ALERT_EMAIL_FROM: z.optional(z.string()),
  /** Base URL for ping URLs and dashboard links; defaults to the request host. */
  CRONSENTRY_PUBLIC_URL: z.optional(z.url()),
  /**
   * Link alerts to the job in the dashboard at CRONSENTRY_PUBLIC_URL; the stack sets off with
   * -c dashboard=false, where no dashboard answers there.
   */
  CRONSENTRY_DASHBOARD_LINKS: z._default(z.enum(['on', 'off']), 'on'),
  /**
   * The public base URL the checker's canary pings through every minute (the stack sets the ping
   * API's URL); unset: no canary, the ingest volume alone guards.
   */
  CRONSENTRY_CANARY_URL: z.optional(z.url()),
  /** How often the outage guard judges the ping intake and sends the canary (tests shorten it). */
  CRONSENTRY_CANARY_SECONDS: wholeNumber(1, 3600, 60),
  /**
   * Count pings per minute for the outage guard's volume rule (ping and events functions); off by
   * default: a process that sees fewer than one ping per 10 s writes the counter on every ping, +1
   * write unit per ping, and the rule only judges fleets of 20 or more pings a minute.
   */
  CRONSENTRY_INGEST_VOLUME: z._default(z.enum(['on', 'off']), 'off'),
  /** SNS topic for CronSentry's own alerts, such as a failing ping intake (checker only; AWS only). */
  OPERATOR_TOPIC_ARN: z.optional(z.string()),
  /** Value CloudFront adds to API requests; proves its viewer-address header (ping function only). */
  CRONSENTRY_ORIGIN_SECRET: z.optional(z.string().check(z.minLength(16))),
  /** Smallest interval and grace accepted. */
  CRONSENTRY_MIN_SECONDS: wholeNumber(1, 3600, 60),
  /** Seconds between checker sweeps. */
  CRONSENTRY_SWEEP_SECONDS: decimal(0.2, 60, 10),
  /** How long one checker invocation keeps sweeping (the EventBridge rate). */
  CHECKER_WINDOW_SECONDS: decimal(1, 900, 60),
  /** Jobs one project may have. */
  MAX_JOBS_PER_PROJECT: wholeNumber(1, 1_000_000, 10_000),
  /** Pings per job per minute that are stored; more are acknowledged and dropped. */
  MAX_PINGS_PER_MINUTE: wholeNumber(1, 1_000, 60),
  /** Days a ping log entry is kept. */
  PING_LOG_DAYS: wholeNumber(1, 3650, 30),
  /** Let HTTP channels reach private addresses (10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10). */
  ALERT_ALLOW_PRIVATE_TARGETS: flag(['true', 'false', '1', '0'], 'false', ['true', '1']),
  /** Tests only: let HTTP channels reach 127.0.0.1, where the tests run their receivers; never set on AWS. */
  CRONSENTRY_TEST_LOOPBACK_TARGETS: flag(['1', '0'], '0', ['1']),
  LOG_LEVEL: z._default(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']), 'INFO'),
  /**
   * Comma-separated topic ARNs (a trailing * matches a name prefix) that sns channels may name; the
   * stack sets it from its snsChannelTopics setting; unset: any topic (the sandbox).
   */
  SNS_CHANNEL_TOPICS: z.pipe(
    z.optional(z.string()),
    z.transform((value: string | undefined) =>
      value
        ?.split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ),
  /** Tests only: a file every AWS call (IAM action and resource ARN) is appended to; never set on AWS. */
  CRONSENTRY_AWS_CALL_LOG: z.optional(z.string()),
});

export type Settings = z.output<typeof settingsSchema>;

export function readSettings(env: Record<string, string | undefined> = process.env): Settings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid CronSentry configuration: ${problems}`);
  }
  return parsed.data;
}
