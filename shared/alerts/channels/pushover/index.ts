// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { post } from '../../http';
import { closesIncident, type RenderedAlert } from '../../render';
import { uniqueKeyOf } from '../../../domain/unique-key';
import { clip, clipStart } from '../clip';
import { vendorUrl } from '../vendor-url';

export const PUSHOVER_MESSAGES_URL = 'https://api.pushover.net/1/messages.json';
/** Stops the retries of every emergency message sent with a tag (Pushover's Receipts API). */
export const PUSHOVER_CANCEL_BY_TAG_URL = 'https://api.pushover.net/1/receipts/cancel_by_tag/';

const key = (what: string) =>
  z.string().check(z.trim(), z.regex(/^[A-Za-z0-9]{30}$/, `must be the 30-character ${what}`));

const settingsSchema = z.strictObject({
  token: key("application's API token"),
  user: key('user or group key'),
  /** Pushover's -2 (silent) … 2 (emergency: repeats until acknowledged) for down alerts. */
  priority: z._default(
    z.coerce.number().check(z.int(), z.minimum(-2, 'must be -2 to 2'), z.maximum(2, 'must be -2 to 2')),
    1,
  ),
  /** Send to these devices only (comma-separated names); all of the user's devices when absent. */
  device: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.regex(/^[A-Za-z0-9_-]{1,25}(,[A-Za-z0-9_-]{1,25})*$/, 'must be device names separated by commas'),
      ),
  ),
});
export type PushoverSettings = z.infer<typeof settingsSchema>;

/** The documented limits: message 1024 characters, title 250, url 512, url_title 100. */
const LIMITS = { message: 1024, title: 250, url: 512 };
/** Emergency messages repeat every `retry` seconds (at least 30) until acknowledged or `expire` (at most 10800). */
const EMERGENCY = { retry: 60, expire: 3600 };

/**
 * The tag of a job's messages, so that its recovery can cancel the emergency ones still repeating.
 * The unique key, not the id: the id is the job's ping credential and has no business at Pushover.
 */
export function pushoverTag(alert: RenderedAlert): string {
  return uniqueKeyOf(alert.message.job.id);
}

/** Only what goes wrong may page at emergency priority: a recovery or a late notice goes at normal at most. */
function priorityOf(alert: RenderedAlert, settings: PushoverSettings): number {
  const quiet = alert.test || alert.event === 'late' || closesIncident(alert);
  return quiet ? Math.min(settings.priority, 0) : settings.priority;
}

/** The message as Pushover's documented form parameters (plain text: nothing in it is markup). */
export function pushoverParams(alert: RenderedAlert, settings: PushoverSettings): URLSearchParams {
  const priority = priorityOf(alert, settings);
  const body = [
    alert.test ? `${alert.headline}\nThis is a test message: nothing is wrong.` : alert.headline,
    ...alert.facts.map((fact) => `${fact.label}: ${fact.value}`),
  ].join('\n');
  const output = alert.output ? `\n\n${alert.outputLabel}:\n${alert.output}` : '';
  // The facts come first; the output gets what is left, keeping its end (where errors are).
  const head = clip(body, LIMITS.message);
  const room = LIMITS.message - [...head].length;
  const message = output && room > 20 ? head + clipStart(output, room) : head;
  const params = new URLSearchParams({
    token: settings.token,
    user: settings.user,
    title: clip(alert.subject, LIMITS.title),
    message,
    priority: String(priority),
    timestamp: String(Math.floor(alert.message.notice.at / 1000)),
  });
  if (priority === 2) {
    params.set('retry', String(EMERGENCY.retry));
    params.set('expire', String(EMERGENCY.expire));
  }
  if (!alert.test) params.set('tags', pushoverTag(alert));
  if (settings.device) params.set('device', settings.device);
  if (alert.dashboardUrl && alert.dashboardUrl.length <= LIMITS.url) {
    params.set('url', alert.dashboardUrl);
    params.set('url_title', 'Open in CronSentry');
  }
  return params;
}

/** Pushover's Message API (the application token and the user key are secrets). */
export const pushoverChannel: ChannelKind<PushoverSettings> = {
  kind: 'pushover',
  form: {
    label: 'Pushover',
    fields: [
      {
        name: 'token',
        label: 'Application API token',
        hint: 'Create an application at pushover.net.',
        type: 'password',
        required: true,
      },
      {
        name: 'user',
        label: 'User or group key',
        hint: 'On your Pushover dashboard.',
        type: 'password',
        required: true,
      },
      {
        name: 'priority',
        label: 'Priority of down alerts',
        hint: 'Emergency repeats every minute for an hour until acknowledged; recoveries are never above normal.',
        type: 'select',
        required: false,
        default: '1',
        options: [
          { value: '2', label: 'emergency' },
          { value: '1', label: 'high' },
          { value: '0', label: 'normal' },
          { value: '-1', label: 'low' },
          { value: '-2', label: 'lowest' },
        ],
      },
      {
        name: 'device',
        label: 'Devices (optional)',
        hint: 'Device names separated by commas; all devices when empty.',
        type: 'text',
        required: false,
      },
    ],
  },
  settingsSchema,
  secretSettings: ['token', 'user'],
  async send(alert, settings, transports) {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    // An emergency message repeats until someone acknowledges it or it expires (an hour): once the
    // job has recovered, stop it first. Cancelling twice (a retried delivery) is harmless.
    if (settings.priority === 2 && !alert.test && closesIncident(alert)) {
      const url = `${PUSHOVER_CANCEL_BY_TAG_URL}${encodeURIComponent(pushoverTag(alert))}.json`;
      await post(
        transports,
        vendorUrl(transports, url),
        new URLSearchParams({ token: settings.token }).toString(),
        form,
      );
    }
    return post(
      transports,
      vendorUrl(transports, PUSHOVER_MESSAGES_URL),
      pushoverParams(alert, settings).toString(),
      form,
    );
  },
};
