import { setTimeout as sleepFor } from 'node:timers/promises';
import type { AlertBus, AlertMessage } from '../shared/app/alert-bus';
import type { Logger } from '../shared/app/logger';

/** Lambda retries a failed asynchronous invocation twice, about one and two minutes later. */
export const LAMBDA_LIKE_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

export interface LocalAlertBusOptions {
  readonly retryDelaysMs?: readonly number[];
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * The sandbox's stand-in for the SNS topic and the notifier's Lambda invocation: hands each message
 * to the in-process subscriber without waiting for it, as SNS would, so a slow webhook never holds
 * up a ping or a sweep; and, as Lambda does for an asynchronous invocation that throws, tries a
 * failed delivery again twice. The notifier's per-channel claims make a retry resend only what failed.
 */
export class LocalAlertBus implements AlertBus {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly retryDelaysMs: readonly number[];
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(
    private readonly subscriber: (message: AlertMessage) => Promise<void>,
    private readonly logger: Logger,
    options: LocalAlertBusOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? LAMBDA_LIKE_RETRY_DELAYS_MS;
    this.sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
  }

  async publish(message: AlertMessage): Promise<void> {
    this.logger.info(
      `alert: ${message.event.toUpperCase()} ${message.job.name} (${message.notice.from} → ${message.notice.to}): ${message.notice.reason}`,
    );
    const delivery = this.deliver(message).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Waits for deliveries under way (tests). */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** Stops waiting retries, then waits for attempts under way (shutdown). */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.drain();
  }

  private async deliver(message: AlertMessage): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.subscriber(message);
        return;
      } catch (error) {
        const delay = this.retryDelaysMs[attempt];
        const detail = { noticeId: message.notice.id, error: (error as Error).message };
        if (delay === undefined || this.stopping.signal.aborted) {
          this.logger.error('alert delivery failed; giving up (see GET /api/deliveries)', detail);
          return;
        }
        this.logger.warn(`alert delivery failed; trying again in ${Math.round(delay / 1000)} s`, detail);
        try {
          await this.sleep(delay, this.stopping.signal);
        } catch {
          return; // shutting down
        }
      }
    }
  }
}
