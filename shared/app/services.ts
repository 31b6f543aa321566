import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAlerting } from '../alerts/alerting';
import type { AlertTransports } from '../alerts/channel';
import type { Settings } from '../config';
import { DAY } from '../domain/durations';
import { AccessRepository } from '../storage/access-repository';
import { AwsSourceRepository } from '../storage/aws-source-repository';
import { HistoryRepository } from '../storage/history-repository';
import { JobRepository } from '../storage/job-repository';
import { IntakeRepository } from '../storage/intake-repository';
import { MaintenanceRepository } from '../storage/maintenance-repository';
import { AccessService } from './access';
import type { AlertBus } from './alert-bus';
import { Checker, type CheckerOptions } from './checker';
import { channelDirectoryOf } from './channel-directory';
import { BadgeService } from './badges';
import { HealthchecksApi } from './healthchecks-api';
import { LoggedDeadLetters } from './dead-letters';
import { IngestCounter } from './ingest-counter';
import { fetchCanary, IntakeGuard, type CanarySender, type OperatorAlerts } from './intake-guard';
import { JobsService } from './jobs-service';
import { MaintenanceService } from './maintenance-service';
import { OutboxPublisher } from './outbox';
import { PingService } from './ping-service';
import { AwsEventsService } from './aws-events-service';
import { ProjectLedger } from './project-ledger';
import { AUTO_CREATED_JOB, SlugDirectory } from './slugs';
import type { Logger } from './logger';

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
  /** How alerts reach people here (mailer, SNS topics); see shared/alerts/alerting.ts. */
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
  const jobRepository = new JobRepository(documents, settings.TABLE_NAME);
  const history = new HistoryRepository(documents, settings.TABLE_NAME, settings.PING_LOG_DAYS * DAY);
  const accessRepository = new AccessRepository(documents, settings.TABLE_NAME);
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
    () => publicUrl,
    new LoggedDeadLetters(alerts.deliveries, deps.logger),
  );
  const jobs = new JobsService(jobRepository, history, outbox, channelDirectoryOf(alerts.channelRepository), {
    minimumMs: settings.CRONSENTRY_MIN_SECONDS * 1000,
    maxJobsPerProject: settings.MAX_JOBS_PER_PROJECT,
    ledger: new ProjectLedger(accessRepository),
    awsSources,
  });
  const slugs = new SlugDirectory(
    accessRepository,
    async (principal, slug, now) => (await jobs.create(principal, { name: slug, ...AUTO_CREATED_JOB }, now)).state.id,
    (principal, jobId) => jobs.remove(principal, jobId),
  );
  const pings = new PingService(jobRepository, history, outbox, deps.logger, {
    maxPingsPerMinute: settings.MAX_PINGS_PER_MINUTE,
    slugs,
    maintenance,
    ingest: new IngestCounter(intake, deps.logger),
  });
  return {
    publicUrl,
    alerts,
    jobRepository,
    history,
    accessRepository,
    outbox,
    access: new AccessService(accessRepository, jobRepository),
    pings,
    awsEvents: new AwsEventsService(awsSources, pings, deps.logger),
    checker: new Checker(jobRepository, outbox, deps.logger, { maintenance, intake: intakeGuard, ...deps.checker }),
    jobs,
    /** Healthchecks' Management API v3, translated onto `jobs`. */
    healthchecks: new HealthchecksApi(jobs, jobRepository, alerts.channels),
    badges: new BadgeService(accessRepository, jobs),
    maintenance,
    intakeGuard,
  };
}
