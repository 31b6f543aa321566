import * as z from 'zod';

/**
 * Every setting CronSentry reads, validated once per process. `process.env` is read here and
 * nowhere else; a missing or malformed setting fails at start-up (cold start), not mid-request.
 */
const settingsSchema = z.object({
  TABLE_NAME: z.string().min(1).default('cronsentry').describe('DynamoDB table holding everything'),
  ALERTS_TOPIC_ARN: z.string().optional().describe('SNS topic every notice is published to (AWS only)'),
  ALERT_EMAIL_FROM: z.string().optional().describe('verified SES sender for e-mail alerts'),
  CRONSENTRY_PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .describe('base URL for ping URLs and dashboard links; defaults to the request host'),
  CRONSENTRY_DASHBOARD_LINKS: z
    .enum(['on', 'off'])
    .default('on')
    .describe(
      'link alerts to the job in the dashboard at CRONSENTRY_PUBLIC_URL; the stack sets off with -c dashboard=false, where no dashboard answers there',
    ),
  CRONSENTRY_CANARY_URL: z
    .string()
    .url()
    .optional()
    .describe(
      "the public base URL the checker's canary pings through every minute (the stack sets the ping API's URL); unset: no canary, the ingest volume alone guards",
    ),
  CRONSENTRY_CANARY_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(60)
    .describe('how often the outage guard judges the ping intake and sends the canary (tests shorten it)'),
  CRONSENTRY_INGEST_VOLUME: z
    .enum(['on', 'off'])
    .default('off')
    .describe(
      "count pings per minute for the outage guard's volume rule (ping and events functions); off by default: a process that sees fewer than one ping per 10 s writes the counter on every ping, +1 write unit per ping, and the rule only judges fleets of 20 or more pings a minute",
    ),
  OPERATOR_TOPIC_ARN: z
    .string()
    .optional()
    .describe("SNS topic for CronSentry's own alerts, such as a failing ping intake (checker only; AWS only)"),
  CRONSENTRY_ORIGIN_SECRET: z
    .string()
    .min(16)
    .optional()
    .describe('value CloudFront adds to API requests; proves its viewer-address header (ping function only)'),
  CRONSENTRY_MIN_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(60)
    .describe('smallest interval and grace accepted'),
  CRONSENTRY_SWEEP_SECONDS: z.coerce.number().min(0.2).max(60).default(10).describe('seconds between checker sweeps'),
  CHECKER_WINDOW_SECONDS: z.coerce
    .number()
    .min(1)
    .max(900)
    .default(60)
    .describe('how long one checker invocation keeps sweeping (the EventBridge rate)'),
  MAX_JOBS_PER_PROJECT: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(10_000)
    .describe('jobs one project may have'),
  MAX_PINGS_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(60)
    .describe('pings per job per minute that are stored; more are acknowledged and dropped'),
  PING_LOG_DAYS: z.coerce.number().int().min(1).max(3650).default(30).describe('days a ping log entry is kept'),
  ALERT_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((value) => value === 'true' || value === '1')
    .describe('let HTTP channels reach private addresses (10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10)'),
  CRONSENTRY_TEST_LOOPBACK_TARGETS: z
    .enum(['1', '0'])
    .default('0')
    .transform((value) => value === '1')
    .describe('tests only: let HTTP channels reach 127.0.0.1, where the tests run their receivers; never set on AWS'),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  SNS_CHANNEL_TOPICS: z
    .string()
    .optional()
    .transform((value) =>
      value
        ?.split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .describe(
      'comma-separated topic ARNs (a trailing * matches a name prefix) that sns channels may name; the stack sets it from its snsChannelTopics setting; unset: any topic (the sandbox)',
    ),
  CRONSENTRY_AWS_CALL_LOG: z
    .string()
    .optional()
    .describe('tests only: a file every AWS call (IAM action and resource ARN) is appended to; never set on AWS'),
});

export type Settings = z.infer<typeof settingsSchema>;

export function readSettings(env: Record<string, string | undefined> = process.env): Settings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid CronSentry configuration: ${problems}`);
  }
  return parsed.data;
}
