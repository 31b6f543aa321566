// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { post } from '../../http';
import type { RenderedAlert } from '../../render';
import { httpUrl } from '../../settings';
import { clip } from '../clip';

const settingsSchema = z.strictObject({
  /** ntfy.sh or a self-hosted server (with its base path, if it has one). */
  server: z._default(httpUrl, 'https://ntfy.sh'),
  /** On a public server, whoever knows the topic reads it: it is a secret. */
  topic: z.string().check(z.trim(), z.regex(/^[-_A-Za-z0-9]{1,64}$/, 'must be 1–64 letters, digits, - or _')),
  /** An access token (`tk_…`) for a protected topic. */
  token: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  /** ntfy's 1 (min) … 5 (max) for down alerts; recoveries go at 3 (default). */
  priority: z._default(z.coerce.number().check(z.int(), z.minimum(1, 'must be 1–5'), z.maximum(5, 'must be 1–5')), 4),
});
export type NtfySettings = z.infer<typeof settingsSchema>;

/** ntfy keeps a message of up to 4096 bytes as text; a longer one would become an attachment. */
const MAX_MESSAGE_BYTES = 4096;
const TAGS = {
  down: ['rotating_light'],
  up: ['white_check_mark'],
  reminder: ['warning'],
  flapping: ['warning'],
  settled: ['information_source'],
  late: ['hourglass'],
} as const;

/** A JSON publish: the topic is in the body, and tags become emoji in front of the title. */
export function ntfyMessage(alert: RenderedAlert, settings: NtfySettings) {
  return {
    topic: settings.topic,
    title: clip(alert.subject, 250),
    message: clip(alert.text.trimEnd(), MAX_MESSAGE_BYTES, 'utf8'),
    priority: alert.event === 'up' || alert.test ? 3 : settings.priority,
    tags: [...TAGS[alert.event], ...(alert.test ? ['test'] : [])],
    ...(alert.dashboardUrl
      ? {
          click: alert.dashboardUrl,
          actions: [{ action: 'view', label: 'Open in CronSentry', url: alert.dashboardUrl }],
        }
      : {}),
  };
}

/** JSON is published to the server's root URL, not to the topic's. */
export function ntfyRootUrl(server: string): string {
  return `${server.replace(/\/+$/, '')}/`;
}

/** ntfy, on ntfy.sh or self-hosted (the topic and the access token are secrets). */
export const ntfyChannel: ChannelKind<NtfySettings> = {
  kind: 'ntfy',
  form: {
    label: 'ntfy',
    fields: [
      {
        name: 'topic',
        label: 'Topic',
        hint: 'Letters, digits, - and _; hard to guess.',
        type: 'password',
        required: true,
      },
      {
        name: 'server',
        label: 'Server (optional)',
        hint: 'https://ntfy.sh unless you run your own.',
        type: 'url',
        required: false,
      },
      {
        name: 'token',
        label: 'Access token (optional)',
        hint: 'tk_… for a protected topic.',
        type: 'password',
        required: false,
      },
      {
        name: 'priority',
        label: 'Priority of down alerts',
        hint: 'Recoveries are sent at the default priority.',
        type: 'select',
        required: false,
        default: '4',
        options: [
          { value: '5', label: '5 – max' },
          { value: '4', label: '4 – high' },
          { value: '3', label: '3 – default' },
          { value: '2', label: '2 – low' },
          { value: '1', label: '1 – min' },
        ],
      },
    ],
  },
  settingsSchema,
  secretSettings: ['topic', 'token'],
  send: (alert, settings, transports) =>
    post(transports, ntfyRootUrl(settings.server), JSON.stringify(ntfyMessage(alert, settings)), {
      'content-type': 'application/json',
      ...(settings.token ? { authorization: `Bearer ${settings.token}` } : {}),
    }),
};
