import type { AlertBus, AlertMessage } from '../shared/app/alert-bus';
import type { Logger } from '../shared/app/logger';
import type { PendingAlerts } from './pending-alerts';

/** Lambda retries a failed asynchronous invocation twice, about one and two minutes later. */
export const LAMBDA_LIKE_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];
/**
 * How long a message being delivered by this process stays out of the periodic retry: longer
 * than a delivery can take. After a restart nothing is in flight, so everything left is retried.
 */
const IN_FLIGHT_MS = 5 * 60_000;

export interface LocalAlertBusOptions {
  readonly retryDelaysMs?: readonly number[];
  readonly clock?: () => number;
}

/**
 * The sandbox's stand-in for the SNS topic and the notifier's Lambda invocation. Each message is
 * kept in the store before `publish` returns (as SNS holds it once it answered), handed to the
 * in-process subscriber without waiting for it, so a slow webhook never holds up a ping or a
 * sweep, and removed when delivered. A delivery that fails is tried again one and two minutes
 * later, as Lambda does for an asynchronous invocation that throws; `retryDue` (called on every
 * sweep tick and at start-up) picks up retries that are due and whatever a killed process left.
 * The notifier's per-channel claims make a retry resend only what was not sent.
 */
export class LocalAlertBus implements AlertBus {
  private readonly running = new Map<string, Promise<void>>();
  private readonly retryDelaysMs: readonly number[];
  private readonly clock: () => number;
  private closed = false;

  constructor(
    private readonly subscriber: (message: AlertMessage) => Promise<void>,
    private readonly pending: PendingAlerts,
    private readonly logger: Logger,
    options: LocalAlertBusOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? LAMBDA_LIKE_RETRY_DELAYS_MS;
    this.clock = options.clock ?? Date.now;
  }

  async publish(message: AlertMessage): Promise<void> {
    this.logger.info(
      `alert: ${message.event.toUpperCase()} ${message.job.name} (${message.notice.from} → ${message.notice.to}): ${message.notice.reason}`,
    );
    await this.pending.put(message, this.clock() + IN_FLIGHT_MS);
    this.start(message, 0);
  }

  /**
   * Starts every kept message whose time has come and that this process is not delivering
   * already. At start-up pass `Infinity`: the process that took the others is gone.
   */
  async retryDue(now: number = this.clock()): Promise<number> {
    if (this.closed) return 0;
    const due = (await this.pending.due(now)).filter((item) => !this.running.has(item.message.notice.id));
    for (const item of due) {
      if (item.attempts > 0 || now === Number.POSITIVE_INFINITY) {
        this.logger.info(`alert delivery tried again: ${item.message.notice.id}`);
      }
      this.start(item.message, item.attempts);
    }
    return due.length;
  }

  /** Waits for deliveries under way (tests). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Takes nothing new, then waits for attempts under way (shutdown); retries stay in the store. */
  async close(): Promise<void> {
    this.closed = true;
    await this.whenIdle();
  }

  private start(message: AlertMessage, attempts: number): void {
    const id = message.notice.id;
    if (this.running.has(id)) return;
    const delivery = this.deliver(message, attempts)
      .catch((error: unknown) =>
        this.logger.error('the sandbox alert store failed; the delivery stays pending', {
          noticeId: id,
          error: (error as Error).message,
        }),
      )
      .finally(() => this.running.delete(id));
    this.running.set(id, delivery);
  }

  private async deliver(message: AlertMessage, attempts: number): Promise<void> {
    const id = message.notice.id;
    try {
      await this.subscriber(message);
    } catch (error) {
      const delay = this.retryDelaysMs[attempts];
      const detail = { noticeId: id, error: (error as Error).message };
      if (delay === undefined) {
        this.logger.error('alert delivery failed; giving up (see GET /api/deliveries)', detail);
        await this.pending.remove(id);
        return;
      }
      this.logger.warn(`alert delivery failed; trying again in ${Math.round(delay / 1000)} s`, detail);
      await this.pending.reschedule(id, attempts + 1, this.clock() + delay);
      return;
    }
    await this.pending.remove(id);
  }
}
