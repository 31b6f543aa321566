// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { post } from '../../http';
import { clipText, tailText } from '../../../domain/plain-text';
import { neutraliseFences, type RenderedAlert } from '../../render';
import { httpUrl } from '../../settings';

const settingsSchema = z.strictObject({ url: httpUrl });
export type SlackSettings = z.infer<typeof settingsSchema>;

/** Slack allows at most 10 fields in a section and 3000 characters in a text object. */
const FIELDS_PER_SECTION = 10;
const MAX_TEXT = 3000;

/** Slack's mrkdwn treats these three as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A label, then the end of the output in a code block that the output cannot close early. */
function codeBlock(label: string, output: string): string {
  const fence = '```';
  const room = MAX_TEXT - label.length - 1 - 2 * fence.length;
  return `${label}\n${fence}${tailText(escapeMrkdwn(neutraliseFences(output)), room)}${fence}`;
}

/** A Block Kit message: header, headline, facts as fields, the last output, a button to the job. */
export function slackMessage(alert: RenderedAlert) {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clipText(alert.subject, 150), emoji: true } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: escapeMrkdwn(alert.test ? `${alert.headline} (test message: nothing is wrong)` : alert.headline),
      },
    },
  ];
  for (let i = 0; i < alert.facts.length; i += FIELDS_PER_SECTION) {
    blocks.push({
      type: 'section',
      fields: alert.facts.slice(i, i + FIELDS_PER_SECTION).map((fact) => ({
        type: 'mrkdwn',
        text: clipText(`*${escapeMrkdwn(fact.label)}*\n${escapeMrkdwn(fact.value)}`, 2000),
      })),
    });
  }
  if (alert.output) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: codeBlock(`*${escapeMrkdwn(alert.outputLabel)}*`, alert.output),
      },
    });
  }
  if (alert.dashboardUrl) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in CronSentry' }, url: alert.dashboardUrl }],
    });
  }
  // `text` is the notification and screen-reader fallback: mrkdwn too, so it is escaped like the blocks.
  return { text: escapeMrkdwn(alert.subject), blocks };
}

/** Slack through an incoming webhook (the URL is the secret). */
export const slackChannel: ChannelKind<SlackSettings> = {
  kind: 'slack',
  form: {
    label: 'Slack',
    fields: [
      {
        name: 'url',
        label: 'Incoming webhook URL',
        hint: 'From a Slack app with incoming webhooks.',
        type: 'url',
        required: true,
      },
    ],
  },
  settingsSchema,
  secretSettings: ['url'],
  send: (alert, settings, transports) =>
    post(transports, settings.url, JSON.stringify(slackMessage(alert)), { 'content-type': 'application/json' }),
};
