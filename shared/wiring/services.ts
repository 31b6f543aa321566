import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { accessStores } from './access-stores';
import { createAlerting } from './alerting';
import type { AlertTransports } from '../alerts/channel';
import type { Settings } from '../config';
import { DAY } from '../domain/durations';
import { AwsSourceRepository } from '../storage/aws-source-repository';
import { HistoryRepository } from '../storage/history-repository';
import { JobRepository } from '../storage/job-repository';
import { IntakeRepository } from '../storage/intake-repository';
import { MaintenanceRepository } from '../storage/maintenance-repository';
import { JobSlotRepository } from '../storage/job-slot-repository';
import { WindowCounterRepository } from '../storage/window-counter-repository';
import { AccessService } from '../app/access';
import type { AlertBus } from '../app/alert-bus';
import { Checker, type CheckerOptions } from '../app/checker';
import { channelDirectoryOf } from '../app/channel-directory';
import { BadgeService } from '../app/badges';
import { HealthchecksApi } from '../app/healthchecks-api';
import { LoggedDeadLetters } from '../app/dead-letters';
import { JobsService } from '../app/jobs-service';
import { parseJobCreate } from '../app/job-input';
import { OutboxPublisher } from '../app/outbox';
import { PingService } from '../app/ping-service';
import { AwsEventsService } from '../app/aws-events-service';
import { ProjectLedger } from '../app/project-ledger';
import { AUTO_CREATED_JOB, SlugDirectory } from '../app/slugs';
import type { Logger } from '../app/logger';
import { IngestCounter } from '../app/ingest-counter';
import { fetchCanary, IntakeGuard, type CanarySender, type OperatorAlerts } from '../app/intake-guard';
import { MaintenanceService } from '../app/maintenance-service';

export interface ServiceDeps {
  readonly documents: DynamoDBDocumentClient;
  readonly settings: Settings;
  /**
   * Where notices go. Absent: this process publishes none; alert-worthy notices it meets stay in
   * the outbox for the checker's next sweep (the api on AWS, whose role may not publish to the
   * alerts topic).
   */
  readonly bus?: AlertBus;
  readonly logger: Logger;
  /** Overrides the configured public URL (the sandbox knows its port only at start). */
  readonly publicUrl?: string;
  readonly checker?: Partial<CheckerOptions>;
  /** How alerts reach people here (mailer, SNS topics); see shared/wiring/alerting.ts. */
  readonly alerts?: Partial<AlertTransports>;
  /** Delivery claims made before this moment belong to a process that is gone (the sandbox's start time). */
  readonly deadClaimsBefore?: number;
  /** Where the outage guard's own alert goes (besides the log); absent: the log only. */
  readonly operator?: OperatorAlerts;
  /** The canary's HTTP call (tests replace it); default: fetch. */
  readonly canary?: CanarySender;
  /** The outage guard's canary URL, overriding the setting (the sandbox knows its port only at start). */
  readonly canaryUrl?: string;
}

export type Services = ReturnType<typeof createServices>;

/** Wires repositories and use cases once per process; AWS and the sandbox differ only in `deps`. */
export function createServices(deps: ServiceDeps) {
  const { documents, settings } = deps;
  const publicUrl = deps.publicUrl ?? settings.CRONSENTRY_PUBLIC_URL;
  const jobRepository = new JobRepository(documents, settings.TABLE_NAME, {
    onUpkeepFailed: (error) =>
      deps.logger.warn('a daily recount step of the job counts failed; the next summary tries again', {
        error: (error as Error)?.name ?? String(error),
      }),
  });
  const history = new HistoryRepository(documents, settings.TABLE_NAME, settings.PING_LOG_DAYS * DAY);
  const access = accessStores(documents, settings.TABLE_NAME);
  const awsSources = new AwsSourceRepository(documents, settings.TABLE_NAME);
  const intake = new IntakeRepository(documents, settings.TABLE_NAME);
  const intakeGuard = new IntakeGuard(
    intake,
    jobRepository,
    deps.canary ?? fetchCanary,
    deps.operator ?? { notify: async () => undefined },
    deps.logger,
    { canaryUrl: deps.canaryUrl ?? settings.CRONSENTRY_CANARY_URL, everyMs: settings.CRONSENTRY_CANARY_SECONDS * 1000 },
  );
  const maintenance = new MaintenanceService(new MaintenanceRepository(documents, settings.TABLE_NAME), jobRepository);
  const alerts = createAlerting({
    documents,
    tableName: settings.TABLE_NAME,
    jobs: jobRepository,
    history,
    logger: deps.logger,
    retentionMs: settings.PING_LOG_DAYS * DAY,
    transports: {
      destinations: {
        allowPrivate: settings.ALERT_ALLOW_PRIVATE_TARGETS,
        allowLoopback: settings.CRONSENTRY_TEST_LOOPBACK_TARGETS,
      },
      ...deps.alerts,
    },
    rules: {
      snsTopics: {
        allowed: settings.SNS_CHANNEL_TOPICS,
        reserved: settings.ALERTS_TOPIC_ARN ? [settings.ALERTS_TOPIC_ARN] : [],
      },
    },
    deadClaimsBefore: deps.deadClaimsBefore,
  });
  const outbox = new OutboxPublisher(
    jobRepository,
    history,
    deps.bus,
    // Alert links open the job in the dashboard; without one (-c dashboard=false) they would lead nowhere.
    () => (settings.CRONSENTRY_DASHBOARD_LINKS === 'on' ? publicUrl : undefined),
    new LoggedDeadLetters(alerts.deliveries, deps.logger),
  );
  const jobs = new JobsService(jobRepository, history, outbox, channelDirectoryOf(alerts.channelRepository), {
    minimumMs: settings.CRONSENTRY_MIN_SECONDS * 1000,
    maxJobsPerProject: settings.MAX_JOBS_PER_PROJECT,
    ledger: new ProjectLedger({
      slots: new JobSlotRepository(documents, settings.TABLE_NAME),
      projects: access.projects,
      pingKeys: access.pingKeys,
    }),
    awsSources,
  });
  const slugs = new SlugDirectory(
    {
      projects: access.projects,
      pingKeys: access.pingKeys,
      windows: new WindowCounterRepository(documents, settings.TABLE_NAME),
    },
    async (principal, slug, now) =>
      (await jobs.create(principal, parseJobCreate({ name: slug, ...AUTO_CREATED_JOB }), now)).state.id,
    (principal, jobId) => jobs.remove(principal, jobId),
  );
  const pings = new PingService(jobRepository, history, outbox, deps.logger, {
    maxPingsPerMinute: settings.MAX_PINGS_PER_MINUTE,
    slugs,
    maintenance,
    // Opt-in: the counter costs up to one more write per ping where pings are sparse (docs/alerts.md).
    ...(settings.CRONSENTRY_INGEST_VOLUME === 'on' ? { ingest: new IngestCounter(intake, deps.logger) } : {}),
  });
  return {
    publicUrl,
    alerts,
    jobRepository,
    history,
    accessStores: access,
    outbox,
    access: new AccessService(access, jobRepository),
    pings,
    awsEvents: new AwsEventsService(awsSources, pings, deps.logger),
    checker: new Checker(jobRepository, outbox, deps.logger, { maintenance, intake: intakeGuard, ...deps.checker }),
    jobs,
    /** Healthchecks' Management API v3, translated onto `jobs`. */
    healthchecks: new HealthchecksApi(jobs, jobRepository, alerts.channels),
    badges: new BadgeService(access.projects, jobs),
    maintenance,
    intakeGuard,
  };
}
