import * as z from 'zod';
import { CHANNEL_EVENTS, DELIVERY_OUTCOMES } from '../shared/domain/channel';
import { CHANNEL_KINDS } from '../shared/alerts/registry';
import { AWS_EVENT_OUTCOMES } from '../shared/app/aws-events-service';
import { HOLD_REASONS } from '../shared/domain/hold';
import { SIGNAL_KINDS, STATUSES } from '../shared/domain/job';
import { maintenanceWindowViewSchema } from '../shared/app/maintenance-input';
import { ROLES } from '../shared/domain/api-key';

/**
 * What the API answers, in zod: the OpenAPI document's response schemas come from here, and the
 * handler and end-to-end tests check every answer against that document. Objects are strict, so
 * a field added to a view without being added here fails those tests.
 */

const time = z.iso.datetime().meta({ description: 'An ISO 8601 time in UTC, e.g. 2026-03-01T12:00:00.000Z' });
const nullableTime = time.nullable();
const cursor = z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' });

export const errorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum([
        'validation_failed',
        'not_found',
        'unauthorized',
        'forbidden',
        'conflict',
        'payload_too_large',
        'internal',
      ]),
      message: z.string(),
      field: z
        .string()
        .optional()
        .meta({ description: 'The first field the message is about, as the request spells it.' }),
      details: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error', description: "The one error shape of CronSentry's own routes." });

export const healthchecksErrorSchema = z
  .strictObject({ error: z.string() })
  .meta({ id: 'HealthchecksError', description: "Healthchecks' error shape, on the /api/v3 routes." });

const awsSourceView = z
  .union([
    z.strictObject({
      kind: z.literal('ecs'),
      cluster: z.string(),
      task_definition_family: z.string(),
      essential_containers: z.array(z.string()).optional(),
    }),
    z.strictObject({ kind: z.literal('batch'), job_definition: z.string() }),
    z.strictObject({ kind: z.literal('stepfunctions'), state_machine_arn: z.string() }),
    z.strictObject({ kind: z.literal('glue'), job_name: z.string() }),
    z.strictObject({ kind: z.literal('codebuild'), project_name: z.string() }),
    z.strictObject({ tag: z.strictObject({ key: z.string(), value: z.string() }) }),
  ])
  .meta({
    id: 'AwsSource',
    description: 'The AWS resource whose state-change events ping the job (docs/aws-events.md).',
  });

export const jobSchema = z
  .strictObject({
    id: z.uuid().optional().meta({ description: 'The ping credential: absent for read-only keys.' }),
    unique_key: z.string().meta({ description: 'A stable name of the job that cannot ping; every key may use it.' }),
    name: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    channels: z.array(z.string()),
    schedule: z.string(),
    timezone: z.string(),
    schedule_description: z.string(),
    grace_time: z.union([z.number(), z.string()]).meta({ description: 'Minutes when whole, else a duration.' }),
    grace_seconds: z.number(),
    reminder_every: z.string().nullable(),
    aws_source: awsSourceView.nullable(),
    failure_threshold: z.int().meta({ description: 'Failed or missed runs in a row before the job alerts.' }),
    recovery_threshold: z.int().meta({ description: 'Good runs in a row before a down job recovers.' }),
    max_runtime: z
      .union([z.number(), z.string()])
      .nullable()
      .meta({ description: 'A run still going this long is overrunning; minutes when whole, else a duration.' }),
    min_runtime: z
      .union([z.number(), z.string()])
      .nullable()
      .meta({ description: 'A faster run counts as failed; minutes when whole, else a duration.' }),
    late_alert: z.boolean().meta({ description: 'A late notice at the expected time, before the missing alert.' }),
    status: z.enum(STATUSES),
    failure_count: z.int().meta({ description: 'Runs counted towards failure_threshold (while failing).' }),
    recovery_count: z.int().meta({ description: 'Good runs counted towards recovery_threshold (while down).' }),
    status_since: time,
    run_in_progress: z.boolean(),
    last_ping_at: nullableTime,
    last_ping_kind: z.enum(SIGNAL_KINDS).nullable(),
    last_success_at: nullableTime,
    last_exit_code: z.int().nullable(),
    last_duration_ms: z.number().nullable(),
    next_expected_at: nullableTime,
    deadline_at: nullableTime,
    ping_url: z.string().optional().meta({ description: 'Absent for read-only keys.' }),
    created_at: time,
    updated_at: time,
  })
  .meta({ id: 'Job' });

export const jobPageSchema = z.strictObject({ jobs: z.array(jobSchema), next_cursor: cursor }).meta({ id: 'JobPage' });

export const jobSummarySchema = z
  .strictObject({
    counts: z.strictObject(
      Object.fromEntries(STATUSES.map((status) => [status, z.int()])) as Record<(typeof STATUSES)[number], z.ZodInt>,
    ),
    total: z.int(),
    tags: z.array(z.string()),
  })
  .meta({ id: 'JobSummary' });

export const pingSchema = z
  .strictObject({
    kind: z.enum(SIGNAL_KINDS),
    at: time,
    exit_code: z.int().nullable(),
    duration_ms: z.number().nullable(),
    run_id: z.string().nullable(),
    method: z.string(),
    source_ip: z.string(),
    user_agent: z.string(),
    body: z.string(),
    body_truncated: z.boolean(),
  })
  .meta({ id: 'Ping' });

export const pingPageSchema = z
  .strictObject({ pings: z.array(pingSchema), next_cursor: cursor })
  .meta({ id: 'PingPage' });

export const flipSchema = z
  .strictObject({
    id: z.string(),
    from: z.enum(STATUSES),
    to: z.enum(STATUSES),
    at: time,
    reason: z.string(),
    held_by: z
      .enum(HOLD_REASONS)
      .nullable()
      .meta({ description: 'Not alerted, and why: a maintenance window, or an outage of the ping intake.' }),
  })
  .meta({ id: 'Flip' });

export const flipPageSchema = z
  .strictObject({ flips: z.array(flipSchema), next_cursor: cursor })
  .meta({ id: 'FlipPage' });

export const schedulePreviewSchema = z
  .strictObject({ schedule_description: z.string(), next: z.array(time) })
  .meta({ id: 'SchedulePreview' });

const role = z.enum(ROLES);

export const meSchema = z
  .strictObject({
    project: z.strictObject({ id: z.string(), name: z.string() }),
    key: z.strictObject({ id: z.string(), name: z.string(), role }),
  })
  .meta({ id: 'Me' });

export const projectSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    create_on_ping: z.boolean(),
    ping_key: z.string().nullable().optional().meta({ description: 'Absent for read-only keys.' }),
    slug_ping_url: z.string().nullable().optional().meta({ description: 'Absent for read-only keys.' }),
    created_at: nullableTime,
  })
  .meta({ id: 'Project' });

export const apiKeySchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    role,
    prefix: z.string(),
    created_at: nullableTime,
    last_used_at: nullableTime,
  })
  .meta({ id: 'ApiKey' });

export const apiKeyListSchema = z.strictObject({ keys: z.array(apiKeySchema) }).meta({ id: 'ApiKeyList' });

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().meta({ description: 'The secret, shown this once.' }) })
  .meta({ id: 'CreatedApiKey' });

export const channelSchema = z
  .strictObject({
    id: z.uuid(),
    kind: z.enum(CHANNEL_KINDS),
    name: z.string(),
    settings: z
      .record(z.string(), z.unknown())
      .meta({ description: "The kind's settings; secrets masked, and left out for read-only keys." }),
    events: z.array(z.enum(CHANNEL_EVENTS)),
    is_default: z.boolean(),
    last_delivery: z
      .strictObject({ at: time, outcome: z.enum(['sent', 'failed']), error: z.string().optional() })
      .nullable(),
    created_at: time,
    updated_at: time,
  })
  .meta({ id: 'Channel' });

export const channelListSchema = z.strictObject({ channels: z.array(channelSchema) }).meta({ id: 'ChannelList' });

export const channelKindListSchema = z
  .strictObject({
    kinds: z.array(
      z.strictObject({
        kind: z.enum(CHANNEL_KINDS),
        label: z.string(),
        fields: z.array(
          z.strictObject({
            name: z.string(),
            label: z.string(),
            hint: z.string(),
            type: z.enum(['url', 'text', 'password', 'list', 'select']),
            required: z.boolean(),
            options: z.array(z.strictObject({ value: z.string(), label: z.string() })).optional(),
            default: z.string().optional(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'ChannelKindList' });

export const channelTestSchema = z.strictObject({ ok: z.boolean(), detail: z.string() }).meta({ id: 'ChannelTest' });

export const deliverySchema = z
  .strictObject({
    notice_id: z.string(),
    channel_id: z.string(),
    channel_kind: z.string(),
    job_id: z.string().nullable().optional().meta({ description: 'Absent for read-only keys.' }),
    job_unique_key: z.string().nullable(),
    event: z.string(),
    test: z.boolean(),
    outcome: z.enum(DELIVERY_OUTCOMES).meta({ description: '`sending` while a notifier holds the claim.' }),
    retryable: z.boolean(),
    attempts: z.int(),
    first_at: time,
    at: time,
    detail: z.string().optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'Delivery' });

export const deliveryPageSchema = z
  .strictObject({ deliveries: z.array(deliverySchema), next_cursor: cursor })
  .meta({ id: 'DeliveryPage' });

export const awsEventResultsSchema = z
  .strictObject({
    results: z.array(
      z.strictObject({
        outcome: z.enum(AWS_EVENT_OUTCOMES),
        job_id: z.string().nullable(),
        signal: z.enum(['success', 'start', 'fail']).nullable(),
      }),
    ),
  })
  .meta({ id: 'AwsEventResults' });

/** Healthchecks' check (`Check.to_dict`): read-only keys get `unique_key` instead of every URL. */
export const checkSchema = z
  .strictObject({
    name: z.string(),
    slug: z.string(),
    tags: z.string(),
    desc: z.string(),
    grace: z.int(),
    status: z.enum(['new', 'up', 'grace', 'down', 'paused']),
    started: z.boolean(),
    last_ping: z.string().nullable(),
    next_ping: z.string().nullable(),
    manual_resume: z.boolean(),
    methods: z.string(),
    subject: z.string(),
    subject_fail: z.string(),
    start_kw: z.string(),
    success_kw: z.string(),
    failure_kw: z.string(),
    filter_subject: z.boolean(),
    filter_body: z.boolean(),
    filter_http_body: z.boolean(),
    filter_default_fail: z.boolean(),
    last_duration: z.int().optional(),
    unique_key: z.string().optional(),
    uuid: z.uuid().optional(),
    ping_url: z.string().optional(),
    update_url: z.string().optional(),
    pause_url: z.string().optional(),
    resume_url: z.string().optional(),
    channels: z.string().optional(),
    timeout: z.int().optional(),
    schedule: z.string().optional(),
    tz: z.string().optional(),
  })
  .meta({ id: 'HealthchecksCheck' });

export const checkListSchema = z.strictObject({ checks: z.array(checkSchema) }).meta({ id: 'HealthchecksCheckList' });

export const checkPingListSchema = z
  .strictObject({
    pings: z.array(
      z.strictObject({
        type: z.enum(SIGNAL_KINDS),
        date: z.string(),
        n: z.int(),
        scheme: z.string(),
        remote_addr: z.string(),
        method: z.string(),
        ua: z.string(),
        rid: z.string().nullable(),
        body_url: z.null(),
        duration: z.number().optional(),
      }),
    ),
  })
  .meta({ id: 'HealthchecksPingList' });

export const checkFlipListSchema = z
  .strictObject({
    flips: z.array(z.strictObject({ timestamp: z.string().nullable(), up: z.union([z.literal(0), z.literal(1)]) })),
  })
  .meta({ id: 'HealthchecksFlipList' });

export const checkChannelListSchema = z
  .strictObject({ channels: z.array(z.strictObject({ id: z.string(), name: z.string(), kind: z.string() })) })
  .meta({ id: 'HealthchecksChannelList' });

const badgeUrls = z.strictObject({
  svg: z.string(),
  svg3: z.string(),
  json: z.string(),
  json3: z.string(),
  shields: z.string(),
  shields3: z.string(),
});

export const badgeListSchema = z
  .strictObject({
    badges: z.record(z.string(), badgeUrls).meta({ description: 'Per tag, and `*` for every check.' }),
  })
  .meta({ id: 'HealthchecksBadgeList' });

export const badgeJsonSchema = z
  .strictObject({ status: z.enum(['up', 'late', 'down']), total: z.int(), grace: z.int(), down: z.int() })
  .meta({ id: 'BadgeStatus' });

export const badgeShieldsSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    label: z.string(),
    message: z.enum(['up', 'late', 'down']),
    color: z.enum(['success', 'important', 'critical']),
  })
  .meta({ id: 'ShieldsEndpoint', description: "Shields.io's endpoint badge JSON." });

export const maintenanceWindowSchema = maintenanceWindowViewSchema.strict().meta({ id: 'MaintenanceWindow' });
export const maintenanceWindowListSchema = z
  .strictObject({ windows: z.array(maintenanceWindowSchema) })
  .meta({ id: 'MaintenanceWindowList' });
