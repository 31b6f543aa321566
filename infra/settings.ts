import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';

/**
 * Every deploy-time setting of the CDK app, read from CDK context (`-c key=value` or `cdk.json`).
 * Values given on the command line arrive as strings, so numbers and booleans are coerced here,
 * once, and a bad value stops the synth with a message that names the setting.
 * docs/deploy.md lists the same settings with the same defaults; keep them together.
 */
const booleanFromContext = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

const listFromContext = z
  .union([z.array(z.string()), z.string()])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean));

/** The stage throttle's defaults, shared with the burst benchmark that sized them. */
export const DEFAULT_THROTTLE = { rateLimit: 200, burstLimit: 1_000 } as const;

const RETENTION_CHOICES = Object.values(RetentionDays).filter((days): days is number => typeof days === 'number');

export const infraSettingsSchema = z.object({
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/)
    .default('CronSentry'),
  /** Keep the table (deletion protection + RETAIN) and log groups when the stack is deleted. */
  retainData: booleanFromContext.default(true),
  /** Verified SES identity alert e-mails are sent from; without it the notifier gets no SES permission. */
  alertEmailFrom: z.string().email().optional(),
  /**
   * Verified recipient addresses, for accounts still in the SES sandbox: there SES also authorizes
   * each send against the recipient's identity, so the notifier may send to these too.
   */
  sesSandboxRecipients: listFromContext.pipe(z.array(z.string().email())).default([]),
  /** Address subscribed to the operator topic that receives the stack's own alarms. */
  operatorEmail: z.string().email().optional(),
  /**
   * Steady-state requests per second the HTTP API stage accepts before answering 429. Sized for the
   * top of the hour: see docs/deploy.md ("Throttling") and `npm run bench -- burst`.
   */
  throttleRateLimit: z.coerce.number().positive().max(10_000).default(DEFAULT_THROTTLE.rateLimit),
  /** Requests the HTTP API stage accepts in a burst above the rate (API Gateway's account cap is 5,000). */
  throttleBurstLimit: z.coerce.number().int().positive().max(5_000).default(DEFAULT_THROTTLE.burstLimit),
  /**
   * Reserved concurrency of the checker. None by default: AWS refuses any reservation that would
   * leave the account fewer than 100 unreserved executions, so a new account (quota 10) cannot
   * deploy one. Two checkers racing are safe (every flip is a conditional write).
   */
  checkerReservedConcurrency: z.coerce.number().int().min(1).max(10).optional(),
  /** `false`: no S3 bucket, no CloudFront; ping URLs and the API on the HTTP API's own endpoint. */
  dashboard: booleanFromContext.default(true),
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((days) => RETENTION_CHOICES.includes(days), {
      message: `must be one of CloudWatch Logs' retention periods: ${RETENTION_CHOICES.join(', ')}`,
    })
    .default(30),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /** Base URL of ping URLs and dashboard links, e.g. a custom domain in front of CloudFront. */
  publicUrl: z
    .string()
    .url()
    .regex(/^https:\/\/[^/]+$/, 'must be https://host without a path or trailing slash')
    .optional(),
  /** Extra browser origins allowed to call the API (the dashboard itself is same-origin and needs none). */
  corsOrigins: listFromContext.default([]),
  /** Built dashboard (Vite output), relative to the repository root or absolute. */
  dashboardDir: z.string().min(1).default('dashboard/dist'),
  /** Days a ping log entry is kept before DynamoDB's TTL removes it. */
  pingLogDays: z.coerce.number().int().min(1).max(3650).default(30),
  /**
   * Topics sns channels may publish to: topic ARNs, or topic names of the stack's own account and
   * region; `*` matches any characters (IAM's wildcard), so `cronsentry-*` is a name prefix.
   */
  snsChannelTopics: listFromContext
    .pipe(
      z
        .array(
          z
            .string()
            .regex(
              /^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_*-]{1,256}|[A-Za-z0-9_*-]{1,256})$/,
              'each entry must be a topic ARN or a topic name, where * matches any characters (cronsentry-*)',
            ),
        )
        .min(1, 'name at least one topic or prefix'),
    )
    .default(['cronsentry-*']),
  /** Turn ECS, Batch, Step Functions, Glue and CodeBuild state-change events into pings (docs/aws-events.md). */
  awsEvents: booleanFromContext.default(false),
  /** Let HTTP alert channels reach private addresses (receivers inside your own network); never loopback or link-local. */
  privateAlertTargets: booleanFromContext.default(false),
});

export type InfraSettings = z.infer<typeof infraSettingsSchema>;

export const SETTING_NAMES = Object.keys(infraSettingsSchema.shape) as (keyof InfraSettings)[];

/** Reads every setting through `get` (normally `app.node.tryGetContext`) and validates them together. */
export function readInfraSettings(get: (key: string) => unknown): InfraSettings {
  const raw = Object.fromEntries(SETTING_NAMES.map((name) => [name, emptyToUndefined(get(name))]));
  const parsed = infraSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `-c ${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid CronSentry deploy settings: ${problems}`);
  }
  return parsed.data;
}

// `-c alertEmailFrom=` (an empty value) means "not set", not "set to the empty string".
function emptyToUndefined(value: unknown): unknown {
  return value === '' || value === null ? undefined : value;
}
