// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { post } from '../../http';
import { httpUrl } from '../../settings';
import { alertPayload } from './payload';
import { SIGNATURE_HEADER, generateSigningSecret, signatureHeader } from './signature';

const settingsSchema = z.strictObject({
  url: httpUrl,
  /** Generated when not given, so every webhook is signed; shown in full only in the create response. */
  secret: z._default(
    z.string().check(z.trim(), z.minLength(16, 'must be at least 16 characters'), z.maxLength(200)),
    () => generateSigningSecret(),
  ),
});

export type WebhookSettings = z.infer<typeof settingsSchema>;

/**
 * A JSON POST to any URL, signed so the receiver can check it came from here and is not a replay:
 * `X-CronSentry-Signature: t=<unix seconds>,v1=<HMAC-SHA256(secret, "<t>.<body>") hex>`.
 * `X-CronSentry-Delivery` repeats the notice id, which receivers can use to drop duplicates of
 * their own (a retried request after a lost response).
 */
export const webhookChannel: ChannelKind<WebhookSettings> = {
  kind: 'webhook',
  form: {
    label: 'Webhook (signed JSON POST)',
    fields: [
      { name: 'url', label: 'URL', hint: 'Receives a JSON POST for every alert.', type: 'url', required: true },
      {
        name: 'secret',
        label: 'Signing secret (optional)',
        hint: 'Used for the HMAC-SHA256 signature header, so the receiver can verify the alert.',
        type: 'password',
        required: false,
      },
    ],
  },
  settingsSchema,
  secretSettings: ['url', 'secret'],
  async send(alert, settings, transports) {
    const body = JSON.stringify(alertPayload(alert));
    // The signature carries the sending time: each attempt is signed afresh.
    const timestamp = Math.floor(transports.clock() / 1000);
    return post(transports, settings.url, body, {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signatureHeader(settings.secret, timestamp, body),
      'X-CronSentry-Event': alert.test ? 'test' : alert.event,
      'X-CronSentry-Delivery': alert.message.notice.id,
    });
  },
};
