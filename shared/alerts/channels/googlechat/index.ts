// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { post } from '../../http';
import { escapeHtml, type RenderedAlert } from '../../render';
import { httpUrl } from '../../settings';
import { clip } from '../clip';

const settingsSchema = z.strictObject({ url: httpUrl });
export type GoogleChatSettings = z.infer<typeof settingsSchema>;

/** Chat refuses messages over 32,000 bytes; these caps keep a card far below that. */
const MAX_VALUE = 1000;
const COLOR = {
  down: '#d93f3f',
  up: '#2e9d5b',
  reminder: '#e0a030',
  flapping: '#e0a030',
  settled: '#e0a030',
  late: '#e0a030',
} as const;

/**
 * A card message (cardsV2). Widget texts take Chat's small HTML subset, so every text from a job is
 * HTML-escaped; the plain `fallbackText` is what phones show in the notification. There is no
 * `text`: Chat would read `<users/all>` in it as a mention of everyone.
 */
export function googleChatMessage(alert: RenderedAlert) {
  const { job, notice } = alert.message;
  const widgets: Record<string, unknown>[] = [
    {
      textParagraph: {
        text: `<font color="${COLOR[alert.event]}"><b>${escapeHtml(alert.headline)}</b></font>${
          alert.test ? '<br>This is a test message: nothing is wrong.' : ''
        }`,
      },
    },
    ...alert.facts.map((fact) => ({
      decoratedText: {
        topLabel: escapeHtml(fact.label),
        text: escapeHtml(clip(fact.value, MAX_VALUE)),
        wrapText: true,
      },
    })),
  ];
  if (alert.output) {
    widgets.push({
      decoratedText: { topLabel: escapeHtml(alert.outputLabel), text: escapeHtml(alert.output), wrapText: true },
    });
  }
  if (alert.dashboardUrl) {
    widgets.push({
      buttonList: { buttons: [{ text: 'Open in CronSentry', onClick: { openLink: { url: alert.dashboardUrl } } }] },
    });
  }
  return {
    fallbackText: clip(alert.subject, 250),
    cardsV2: [
      { cardId: 'cronsentry-alert', card: { header: { title: clip(alert.subject, 250) }, sections: [{ widgets }] } },
    ],
    // One thread per job: the recovery lands under the alert it ends.
    thread: { threadKey: alert.test ? notice.id : job.id },
  };
}

/** Replies in the job's thread, or starts it (Chat's documented option for webhooks). */
export function threadedUrl(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  return parsed.toString();
}

/** Google Chat through a space's incoming webhook (the URL, with its key and token, is the secret). */
export const googleChatChannel: ChannelKind<GoogleChatSettings> = {
  kind: 'googlechat',
  form: {
    label: 'Google Chat',
    fields: [
      {
        name: 'url',
        label: 'Incoming webhook URL',
        hint: 'Space → Apps & integrations → Webhooks → Add webhook.',
        type: 'url',
        required: true,
      },
    ],
  },
  settingsSchema,
  secretSettings: ['url'],
  send: (alert, settings, transports) =>
    post(transports, threadedUrl(settings.url), JSON.stringify(googleChatMessage(alert)), {
      'content-type': 'application/json',
    }),
};
