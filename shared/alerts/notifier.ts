import { randomUUID } from 'node:crypto';
import type { AlertEvent, AlertMessage } from '../app/alert-bus';
import type { Logger } from '../app/logger';
import type { ChannelStore } from '../app/ports/channel-store';
import type { DeliveryKey, DeliveryStore } from '../app/ports/delivery-store';
import type { HistoryStore } from '../app/ports/history-store';
import type { AlertTransports } from './channel';
import type { ChannelEvent, ChannelRecord } from '../domain/channel';
import { renderAlert, type AlertContext, type RenderedAlert } from './render';
import { DEFAULT_RETRY_POLICY, sendWithRetries, type RetryPolicy, type SendOutcome } from './send';

/** How long a channel test waits for the receiver: one attempt, well inside the API Lambda's 15 s. */
export const TEST_SEND_TIMEOUT_MS = 5_000;

export interface NotifierDeps {
  readonly channels: ChannelStore;
  readonly deliveries: DeliveryStore;
  readonly history: HistoryStore;
  /** Read at each send (the sandbox configures them after start-up). */
  readonly transports: () => AlertTransports;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly retry?: Partial<RetryPolicy>;
  /** Claims made before this moment belong to a process that is gone (the restarted sandbox). */
  readonly deadClaimsBefore?: number;
}

export type ChannelResult =
  | { readonly channelId: string; readonly status: 'sent'; readonly attempts: number; readonly detail: string }
  | {
      readonly channelId: string;
      readonly status: 'failed';
      readonly permanent: boolean;
      readonly attempts: number;
      readonly error: string;
    }
  /** Already sent, failed for good, or being sent by another notifier: nothing to do here. */
  | { readonly channelId: string; readonly status: 'skipped' };

export interface DeliveryReport {
  readonly noticeId: string;
  readonly results: readonly ChannelResult[];
}

/**
 * Some channels could not be reached and may be later: thrown after every channel had its turn,
 * so that the caller (Lambda, SNS) delivers the message again; the channels already done are
 * skipped then, thanks to their claims.
 */
export class DeliveryIncompleteError extends Error {
  constructor(
    readonly report: DeliveryReport,
    readonly failures: readonly { channelId: string; error: string }[],
  ) {
    super(
      `notice ${report.noticeId}: ${failures.length} channel(s) not delivered yet: ` +
        failures.map((failure) => `${failure.channelId} (${failure.error})`).join('; '),
    );
    this.name = 'DeliveryIncompleteError';
  }
}

/**
 * Delivers alert messages to the channels of their job. Every (notice, channel) is claimed with a
 * conditional write before anything is sent, so a message delivered twice (SNS, Lambda retries,
 * the checker's re-publish) sends nothing twice. Channels are served concurrently, each with its
 * own retries, so a slow or dead receiver delays nobody else.
 */
export class Notifier {
  private readonly retry: RetryPolicy;

  constructor(private readonly deps: NotifierDeps) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  }

  async deliver(message: AlertMessage): Promise<DeliveryReport> {
    const wanted = channelEventsFor(message.event);
    const channels = (await this.deps.channels.getMany(message.job.projectId, message.job.channelIds)).filter(
      (channel) => channel.events.some((event) => wanted.includes(event)),
    );
    const report = { noticeId: message.notice.id, results: [] as ChannelResult[] };
    if (channels.length === 0) return report;

    const alert = renderAlert(message, await this.contextOf(message));
    const settled = await Promise.allSettled(channels.map((channel) => this.deliverTo(alert, channel)));
    const failures: { channelId: string; error: string }[] = [];
    settled.forEach((outcome, index) => {
      const channelId = channels[index]!.id;
      if (outcome.status === 'rejected') {
        const error = (outcome.reason as Error)?.message ?? String(outcome.reason);
        this.deps.logger.error('delivery crashed', { noticeId: message.notice.id, channelId, error });
        failures.push({ channelId, error });
        return;
      }
      report.results.push(outcome.value);
      if (outcome.value.status === 'failed' && !outcome.value.permanent) {
        failures.push({ channelId, error: outcome.value.error });
      }
    });
    if (failures.length) throw new DeliveryIncompleteError(report, failures);
    return report;
  }

  /** Sends a test message to one channel now, unclaimed (every test sends), and records the outcome. */
  async sendTest(channel: ChannelRecord, publicUrl: string | undefined): Promise<{ ok: boolean; detail: string }> {
    const now = this.deps.clock();
    const message = testMessage(channel, now, publicUrl);
    const alert = renderAlert(message, {
      test: true,
      lastOutput: 'backup started\n12 tables dumped\nupload to s3://backups finished',
    });
    const result = await this.attempt(alert, channel, { once: true });
    const at = this.deps.clock();
    await this.deps.deliveries.recordTest({
      projectId: channel.projectId,
      noticeId: message.notice.id,
      noticeAt: now,
      channelId: channel.id,
      jobId: null,
      channelKind: channel.kind,
      event: 'test',
      outcome: result.ok ? 'sent' : 'failed',
      retryable: false,
      attempts: result.attempts,
      firstAt: now,
      at,
      detail: result.ok ? result.detail : undefined,
      error: result.ok ? undefined : result.error,
      test: true,
    });
    await this.deps.channels.recordDelivery(channel.projectId, channel.id, {
      at,
      outcome: result.ok ? 'sent' : 'failed',
      ...(result.ok ? {} : { error: result.error }),
    });
    return result.ok ? { ok: true, detail: result.detail } : { ok: false, detail: result.error };
  }

  private async deliverTo(alert: RenderedAlert, channel: ChannelRecord): Promise<ChannelResult> {
    const { notice, job } = alert.message;
    const key: DeliveryKey = {
      projectId: job.projectId,
      noticeId: notice.id,
      noticeAt: notice.at,
      channelId: channel.id,
    };
    const claim = await this.deps.deliveries.claim(
      key,
      { jobId: job.id, channelKind: channel.kind, event: alert.event },
      randomUUID(),
      this.deps.clock(),
      this.retry.leaseMs,
      this.deps.deadClaimsBefore,
    );
    if (!claim.claimed) return { channelId: channel.id, status: 'skipped' };

    const result = await this.attempt(alert, channel);
    const at = this.deps.clock();
    const kept = await this.deps.deliveries.finish(
      key,
      claim.token,
      result.ok
        ? { outcome: 'sent', retryable: false, attempts: result.attempts, detail: result.detail }
        : { outcome: 'failed', retryable: !result.permanent, attempts: result.attempts, error: result.error },
      at,
    );
    if (!kept) {
      this.deps.logger.warn('delivery outlived its claim', { noticeId: notice.id, channelId: channel.id });
    }
    await this.deps.channels.recordDelivery(job.projectId, channel.id, {
      at,
      outcome: result.ok ? 'sent' : 'failed',
      ...(result.ok ? {} : { error: result.error }),
    });
    const log = { noticeId: notice.id, channelId: channel.id, kind: channel.kind, attempts: result.attempts };
    if (result.ok) {
      this.deps.logger.info(`alert sent: ${alert.subject} → ${channel.kind} "${channel.name}"`, log);
      return { channelId: channel.id, status: 'sent', attempts: result.attempts, detail: result.detail };
    }
    this.deps.logger.warn(`alert not delivered: ${alert.subject} → ${channel.kind} "${channel.name}"`, {
      ...log,
      permanent: result.permanent,
      error: result.error,
    });
    return {
      channelId: channel.id,
      status: 'failed',
      permanent: result.permanent,
      attempts: result.attempts,
      error: result.error,
    };
  }

  /**
   * `once`: a test someone waits for in the API. One attempt with a short timeout, so the answer
   * comes well within the API Lambda's 15 s instead of after three 10-s attempts and the waits.
   */
  private attempt(
    alert: RenderedAlert,
    channel: ChannelRecord,
    options: { once?: boolean } = {},
  ): Promise<SendOutcome> {
    const transports = this.deps.transports();
    return sendWithRetries(alert, channel, {
      transports: options.once
        ? { ...transports, httpTimeoutMs: Math.min(transports.httpTimeoutMs, TEST_SEND_TIMEOUT_MS) }
        : transports,
      sleep: this.deps.sleep,
      policy: options.once ? { ...this.retry, maxAttempts: 1 } : this.retry,
    });
  }

  /** The end of the last output and, for a recovery, when the job went down; best effort. */
  private async contextOf(message: AlertMessage): Promise<AlertContext> {
    const { history, logger } = this.deps;
    try {
      const pings = await history.listPings(message.job.id, 5);
      const withOutput = pings.items.find((ping) => ping.body.trim() !== '');
      let downSince: number | undefined;
      if (message.event === 'up') {
        const flips = await history.listFlips(message.job.id, 10);
        downSince = flips.items.find(
          (flip) => flip.id !== message.notice.id && flip.to === message.notice.from && flip.at <= message.notice.at,
        )?.at;
      }
      return { lastOutput: withOutput?.body, lastOutputAt: withOutput?.at, downSince };
    } catch (error) {
      logger.warn('alert context unavailable', { jobId: message.job.id, error: (error as Error).message });
      return {};
    }
  }
}

/**
 * Which channels hear an event: reminders and the flapping notice go where outages go; a settled
 * summary goes to every channel (down-only channels heard the flapping and must hear it ended).
 */
export function channelEventsFor(event: AlertEvent): readonly ChannelEvent[] {
  if (event === 'up') return ['up'];
  if (event === 'settled') return ['down', 'up'];
  return ['down'];
}

/** A message shaped like a real one, so receivers can test their parsing with it. */
export function testMessage(channel: ChannelRecord, now: number, publicUrl: string | undefined): AlertMessage {
  const jobId = '00000000-0000-4000-8000-000000000000';
  return {
    event: 'down',
    notice: {
      id: `test-${randomUUID()}`,
      kind: 'flip',
      jobId,
      projectId: channel.projectId,
      from: 'healthy',
      to: 'missing',
      at: now,
      reason: `a test of the channel "${channel.name}"`,
    },
    job: {
      id: jobId,
      projectId: channel.projectId,
      name: 'Test alert',
      description: 'A test message sent from CronSentry',
      tags: ['test'],
      channelIds: [channel.id],
      schedule: '0 3 * * *',
      timezone: 'UTC',
      scheduleDescription: 'At 03:00 (UTC)',
      graceMs: 15 * 60_000,
      status: 'missing',
      statusSince: now,
      lastPingAt: now - 24 * 3_600_000,
      lastSuccessAt: now - 24 * 3_600_000,
      expectedAt: now - 20 * 60_000,
    },
    ...(publicUrl ? { dashboardUrl: `${publicUrl.replace(/\/$/, '')}/#/channels` } : {}),
  };
}
