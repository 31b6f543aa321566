import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { accessStores } from './access-stores';
import type { AlertTransports } from '../alerts/channel';
import type { Settings } from '../config';
import { DAY } from '../domain/durations';
import { AwsSourceRepository } from '../storage/aws-source-repository';
import { ChannelRepository } from '../storage/channel-repository';
import { DeliveryRepository } from '../storage/delivery-repository';
import { HistoryRepository } from '../storage/history-repository';
import { IntakeRepository } from '../storage/intake-repository';
import { JobRepository } from '../storage/job-repository';
import { JobSlotRepository } from '../storage/job-slot-repository';
import { MaintenanceRepository } from '../storage/maintenance-repository';
import type { AlertBus } from '../app/alert-bus';
import type { CheckerOptions } from '../app/checker';
import { LoggedDeadLetters } from '../app/dead-letters';
import type { CanarySender, OperatorAlerts } from '../app/intake-guard';
import type { Logger } from '../app/logger';
import { MaintenanceCalendar } from '../app/maintenance-calendar';
import { OutboxPublisher } from '../app/outbox';

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

/**
 * What every function works on: the stores, the outbox every state change publishes through, and
 * the maintenance calendar every alert-worthy notice is checked against. The features are wired
 * on top of it (./jobs.ts, ./ping-intake.ts, ./checker.ts, ./alerting.ts), each Lambda function
 * only with those it calls, so that it loads no more at cold start (docs/benchmarks.md).
 *
 * Every store is built here, even one only a feature uses: a feature a function loads on demand
 * (the ping function's job creation) must import no storage module, or esbuild would run the
 * SDK's whole DynamoDB barrel, every command of it, at that function's cold start.
 */
export function createCore(deps: ServiceDeps) {
  const { documents, settings, logger } = deps;
  const table = settings.TABLE_NAME;
  const retentionMs = settings.PING_LOG_DAYS * DAY;
  const publicUrl = deps.publicUrl ?? settings.CRONSENTRY_PUBLIC_URL;
  const jobRepository = new JobRepository(documents, table, {
    onUpkeepFailed: (error) =>
      logger.warn('a daily recount step of the job counts failed; the next summary tries again', {
        error: (error as Error)?.name ?? String(error),
      }),
  });
  const history = new HistoryRepository(documents, table, retentionMs);
  const deliveries = new DeliveryRepository(documents, table, retentionMs);
  const maintenanceWindows = new MaintenanceRepository(documents, table);
  return {
    deps,
    settings,
    logger,
    publicUrl,
    jobRepository,
    history,
    deliveries,
    access: accessStores(documents, table),
    slots: new JobSlotRepository(documents, table),
    awsSources: new AwsSourceRepository(documents, table),
    /** Alert channels: what jobs link to, what the notifier sends through. */
    channels: new ChannelRepository(documents, table),
    intake: new IntakeRepository(documents, table),
    maintenanceWindows,
    calendar: new MaintenanceCalendar(maintenanceWindows, jobRepository),
    outbox: new OutboxPublisher(
      jobRepository,
      history,
      deps.bus,
      // Alert links open the job in the dashboard; without one (-c dashboard=false) they would lead nowhere.
      () => (settings.CRONSENTRY_DASHBOARD_LINKS === 'on' ? publicUrl : undefined),
      new LoggedDeadLetters(deliveries, logger),
    ),
  };
}

export type Core = ReturnType<typeof createCore>;
