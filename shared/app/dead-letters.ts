import type { Notice } from '../domain/job';
import type { DeliveryStore } from './ports/delivery-store';
import type { AlertEvent } from './alert-bus';
import type { Logger } from './logger';

/** The channel id under which a notice the alerts topic never took is listed in `/api/deliveries`. */
export const ALERTS_TOPIC_CHANNEL = 'alerts-topic';
/** The `alarm` field of the log line the stack's ParkedNotices metric filter counts. */
export const NOTICE_PARKED_ALARM = 'notice_parked';

/** Where a notice goes that could not be handed to the alerts topic, so that later ones still flow. */
export interface DeadLetters {
  park(notice: Notice, event: AlertEvent, failures: number, error: unknown, now: number): Promise<void>;
}

/**
 * Parks a notice for people to see: one `error` log line (which raises the stack's alarm on AWS and
 * is printed on the sandbox console) and a failed delivery record to the `alerts-topic` channel,
 * which `GET /api/deliveries?job_id=` lists. The error is kept as a name, not AWS's text.
 */
export class LoggedDeadLetters implements DeadLetters {
  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly logger: Pick<Logger, 'error'>,
  ) {}

  async park(notice: Notice, event: AlertEvent, failures: number, error: unknown, now: number): Promise<void> {
    const code = `publish_failed: ${(error as Error)?.name ?? 'Error'}`;
    this.logger.error(`alert notice parked after ${failures} failed publishes; later notices go on`, {
      alarm: NOTICE_PARKED_ALARM,
      jobId: notice.jobId,
      noticeId: notice.id,
      event,
      error: code,
    });
    await this.deliveries.recordTest({
      projectId: notice.projectId,
      noticeId: notice.id,
      noticeAt: notice.at,
      channelId: ALERTS_TOPIC_CHANNEL,
      jobId: notice.jobId,
      channelKind: ALERTS_TOPIC_CHANNEL,
      event,
      outcome: 'failed',
      retryable: false,
      attempts: failures,
      firstAt: notice.at,
      at: now,
      error: code,
      test: false,
    });
  }
}
