import type { AlertBus, AlertMessage } from '../shared/app/alert-bus';
import type { Logger } from '../shared/app/logger';

/**
 * The sandbox's stand-in for the SNS topic: hands each message to the in-process subscriber
 * (the notifier) without waiting for it, as SNS would, so a slow webhook never holds up a ping or
 * a sweep. Delivery failures are the subscriber's to record; here they are only logged.
 */
export class LocalAlertBus implements AlertBus {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly subscriber: (message: AlertMessage) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  async publish(message: AlertMessage): Promise<void> {
    this.logger.info(
      `alert: ${message.event.toUpperCase()} ${message.job.name} (${message.notice.from} → ${message.notice.to}): ${message.notice.reason}`,
    );
    const delivery = this.subscriber(message)
      .catch((error: unknown) => this.logger.error('alert delivery failed', { error: (error as Error).message }))
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Waits for deliveries under way (shutdown, tests). */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
