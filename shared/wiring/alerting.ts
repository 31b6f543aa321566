import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '../app/logger';
import type { Core } from './core';
import { ChannelRepository } from '../storage/channel-repository';
import { DeliveryRepository } from '../storage/delivery-repository';
import type { HistoryRepository } from '../storage/history-repository';
import type { JobRepository } from '../storage/job-repository';
import type { AlertTransports, ChannelRules } from '../alerts/channel';
import { ChannelService } from '../alerts/channel-service';
import { DeliveryLog } from '../alerts/delivery-log';
import { Notifier } from '../alerts/notifier';
import type { RetryPolicy } from '../alerts/send';

/** One HTTP attempt may take this long; three of them and the waits fit the notifier's 60 s. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

export interface AlertingDeps {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly jobs: JobRepository;
  readonly history: HistoryRepository;
  readonly logger: Logger;
  /** How long delivery records are kept. */
  readonly retentionMs: number;
  /** Mailer and topic publisher of this place (AWS, sandbox, test); HTTP channels go through http.ts. */
  readonly transports?: Partial<AlertTransports>;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly retry?: Partial<RetryPolicy>;
  /** What this deployment lets channels reach. @default - anything (the sandbox) */
  readonly rules?: ChannelRules;
  /** See NotifierDeps.deadClaimsBefore (the sandbox passes its start time). */
  readonly deadClaimsBefore?: number;
}

export type Alerting = ReturnType<typeof createAlerting>;

/** The alerts feature wired once per process: channels, deliveries and the notifier. */
export function createAlerting(deps: AlertingDeps) {
  const transports: AlertTransports = {
    httpTimeoutMs: DEFAULT_HTTP_TIMEOUT_MS,
    clock: deps.clock ?? Date.now,
    ...deps.transports,
  };
  const channelRepository = new ChannelRepository(deps.documents, deps.tableName);
  const deliveries = new DeliveryRepository(deps.documents, deps.tableName, deps.retentionMs);
  const notifier = new Notifier({
    channels: channelRepository,
    deliveries,
    history: deps.history,
    transports: () => transports,
    clock: deps.clock ?? Date.now,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    logger: deps.logger,
    retry: deps.retry,
    deadClaimsBefore: deps.deadClaimsBefore,
  });
  return {
    channelRepository,
    deliveries,
    deliveryLog: new DeliveryLog(deliveries),
    notifier,
    channels: new ChannelService(channelRepository, deps.jobs, notifier, deps.rules, transports.destinations),
  };
}

/** The alerts feature over the core's stores, with this deployment's transports and channel rules. */
export function createAlertingFor(core: Core) {
  const { deps, settings } = core;
  return createAlerting({
    documents: deps.documents,
    tableName: settings.TABLE_NAME,
    jobs: core.jobRepository,
    history: core.history,
    logger: core.logger,
    retentionMs: core.retentionMs,
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
}
