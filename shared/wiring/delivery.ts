import type { Logger } from '../app/logger';
import type { Core } from './core';
import type { ChannelRepository } from '../storage/channel-repository';
import type { DeliveryRepository } from '../storage/delivery-repository';
import type { HistoryRepository } from '../storage/history-repository';
import type { JobRepository } from '../storage/job-repository';
import type { AlertTransports, ChannelRules } from '../alerts/channel';
import { Notifier } from '../alerts/notifier';
import type { RetryPolicy } from '../alerts/send';

/** One HTTP attempt may take this long; three of them and the waits fit the notifier's 60 s. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

export interface AlertingDeps {
  readonly channels: ChannelRepository;
  readonly deliveries: DeliveryRepository;
  readonly jobs: JobRepository;
  readonly history: HistoryRepository;
  readonly logger: Logger;
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

/**
 * Delivering alerts: the notifier over the channels and the delivery records. Apart from the
 * channel use cases (./alerting.ts), whose input schemas the notifier function need not load at
 * cold start.
 */
export function createDelivery(deps: AlertingDeps) {
  const transports: AlertTransports = {
    httpTimeoutMs: DEFAULT_HTTP_TIMEOUT_MS,
    clock: deps.clock ?? Date.now,
    ...deps.transports,
  };
  const { channels: channelRepository, deliveries } = deps;
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
  return { transports, channelRepository, deliveries, notifier };
}

/** What the alerts feature needs of the core's stores, with this deployment's transports and channel rules. */
export function alertingDepsOf(core: Core): AlertingDeps {
  const { deps, settings } = core;
  return {
    channels: core.channels,
    deliveries: core.deliveries,
    jobs: core.jobRepository,
    history: core.history,
    logger: core.logger,
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
  };
}
