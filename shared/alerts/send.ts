import type { AlertTransports } from './channel';
import { TransportError } from '../app/alert-ports';
import type { ChannelRecord } from '../domain/channel';
import { channelKindOf } from './registry';
import type { RenderedAlert } from './render';
import { backoffDelay } from '../app/backoff';

export interface RetryPolicy {
  /** Attempts per channel within one delivery of a message. */
  readonly maxAttempts: number;
  /** Wait before the second attempt; doubles for each further one. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * How long a claim protects a send in progress. Longer than one delivery can take (attempts ×
   * HTTP timeout + waits, and the Lambda timeout), so a live notifier is never overtaken; a dead
   * one's claim runs out and the next delivery of the message sends after all.
   */
  readonly leaseMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  leaseMs: 90_000,
};

export type SendOutcome =
  | { readonly ok: true; readonly attempts: number; readonly detail: string }
  | { readonly ok: false; readonly attempts: number; readonly permanent: boolean; readonly error: string };

/**
 * Sends one alert to one channel: validates the stored settings against the kind, then tries,
 * waiting between attempts, until it is sent, the receiver says no for good (permanent), or the
 * attempts run out (transient: the caller may try again later).
 */
export async function sendWithRetries(
  alert: RenderedAlert,
  channel: ChannelRecord,
  options: { transports: AlertTransports; sleep: (ms: number) => Promise<void>; policy: RetryPolicy },
): Promise<SendOutcome> {
  const kind = channelKindOf(channel.kind);
  if (!kind) return { ok: false, attempts: 0, permanent: true, error: `unknown channel kind "${channel.kind}"` };
  const settings = kind.settingsSchema.safeParse(channel.settings);
  if (!settings.success) {
    return { ok: false, attempts: 0, permanent: true, error: 'the channel settings are no longer valid; edit them' };
  }
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const detail = await kind.send(alert, settings.data, options.transports);
      return { ok: true, attempts, detail };
    } catch (error) {
      const failure =
        error instanceof TransportError
          ? error
          : new TransportError(`unexpected error: ${(error as Error)?.message ?? String(error)}`, false, {
              cause: error,
            });
      if (failure.permanent || attempts >= options.policy.maxAttempts) {
        return { ok: false, attempts, permanent: failure.permanent, error: failure.message };
      }
      await options.sleep(delayBefore(options.policy, attempts + 1, failure.retryAfterMs));
    }
  }
}

/** Exponential backoff; a receiver's Retry-After wins when it asks for longer. */
export function delayBefore(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined): number {
  const backoff = backoffDelay({ baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, attempt - 1);
  return Math.max(backoff, retryAfterMs ?? 0);
}
