// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { post } from '../../http';
import type { RenderedAlert } from '../../render';
import { httpUrl } from '../../settings';
import { clip } from '../clip';

const settingsSchema = z.strictObject({ url: httpUrl });
export type TeamsSettings = z.infer<typeof settingsSchema>;

/** Teams drops messages over 28 KB; these caps keep a card far below that. */
const MAX_VALUE = 1000;
const COLOR = {
  down: 'Attention',
  up: 'Good',
  reminder: 'Warning',
  flapping: 'Warning',
  settled: 'Warning',
  late: 'Warning',
} as const;

/**
 * A run of plain text. Every text from a job goes into a `TextRun`, which Adaptive Cards never
 * read as Markdown (a `TextBlock` would), so a job name cannot turn into a link or a heading.
 */
function plain(text: string, style: Record<string, unknown> = {}) {
  return { type: 'TextRun', text, ...style };
}

/** The Adaptive Card: title, headline, facts, the last output in monospace, a button to the job. */
export function adaptiveCard(alert: RenderedAlert) {
  const body: Record<string, unknown>[] = [
    {
      type: 'RichTextBlock',
      inlines: [plain(clip(alert.subject, 250), { weight: 'Bolder', size: 'Large', color: COLOR[alert.event] })],
    },
    {
      type: 'RichTextBlock',
      inlines: [plain(alert.test ? `${alert.headline} This is a test message: nothing is wrong.` : alert.headline)],
    },
    ...alert.facts.map((fact) => ({
      type: 'RichTextBlock',
      spacing: 'Small',
      inlines: [plain(`${fact.label}: `, { weight: 'Bolder' }), plain(clip(fact.value, MAX_VALUE))],
    })),
  ];
  if (alert.output) {
    body.push({ type: 'RichTextBlock', inlines: [plain(alert.outputLabel, { weight: 'Bolder' })] });
    body.push({ type: 'RichTextBlock', inlines: [plain(alert.output, { fontType: 'Monospace' })] });
  }
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body,
    ...(alert.dashboardUrl
      ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in CronSentry', url: alert.dashboardUrl }] }
      : {}),
  };
}

/** The envelope a Teams Workflows webhook ("Post to a channel when a webhook request is received") takes. */
export function teamsMessage(alert: RenderedAlert) {
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: adaptiveCard(alert) },
    ],
  };
}

/** Microsoft Teams through a Workflows webhook (the URL is the secret). */
export const teamsChannel: ChannelKind<TeamsSettings> = {
  kind: 'teams',
  form: {
    label: 'Microsoft Teams',
    fields: [
      {
        name: 'url',
        label: 'Workflows webhook URL',
        hint: 'Channel → Workflows → "Post to a channel when a webhook request is received".',
        type: 'url',
        required: true,
      },
    ],
  },
  settingsSchema,
  secretSettings: ['url'],
  send: (alert, settings, transports) =>
    post(transports, settings.url, JSON.stringify(teamsMessage(alert)), { 'content-type': 'application/json' }),
};
