// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { post } from '../../http';
import { clipText, tailText } from '../../../domain/plain-text';
import { neutraliseFences, type RenderedAlert } from '../../render';
import { httpUrl } from '../../settings';

const settingsSchema = z.strictObject({ url: httpUrl });
export type DiscordSettings = z.infer<typeof settingsSchema>;

/** Discord's embed limits: title 256, description 4096, 25 fields of 1024 characters. */
const MAX_FIELD = 1024;

/** Backslash-escapes Discord markdown, so a job name cannot make text bold, a spoiler or a masked link. */
export function escapeDiscordMarkdown(text: string): string {
  return text.replace(/[\\*_~`|>[\]#]/g, '\\$&');
}

/** One embed, coloured by event; mentions are switched off so a job name cannot ping @everyone. */
export function discordMessage(alert: RenderedAlert) {
  const fields = alert.facts.slice(0, 24).map((fact) => ({
    name: fact.label,
    value: clipText(escapeDiscordMarkdown(fact.value), MAX_FIELD) || '-',
    inline: false,
  }));
  if (alert.output) {
    const fence = '```';
    const room = MAX_FIELD - 2 * fence.length - 2;
    const tail = tailText(neutraliseFences(alert.output), room);
    fields.push({ name: alert.outputLabel, value: `${fence}\n${tail}\n${fence}`, inline: false });
  }
  return {
    username: 'CronSentry',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: clipText(alert.subject, 256),
        description: escapeDiscordMarkdown(
          alert.test ? `${alert.headline}\nThis is a test message: nothing is wrong.` : alert.headline,
        ),
        color: alert.color,
        ...(alert.dashboardUrl ? { url: alert.dashboardUrl } : {}),
        fields,
        timestamp: new Date(alert.message.notice.at).toISOString(),
        footer: { text: 'CronSentry' },
      },
    ],
  };
}

/** Discord through a channel webhook (the URL is the secret). */
export const discordChannel: ChannelKind<DiscordSettings> = {
  kind: 'discord',
  form: {
    label: 'Discord',
    fields: [
      {
        name: 'url',
        label: 'Webhook URL',
        hint: 'Channel settings → Integrations → Webhooks.',
        type: 'url',
        required: true,
      },
    ],
  },
  settingsSchema,
  secretSettings: ['url'],
  send: (alert, settings, transports) =>
    post(transports, settings.url, JSON.stringify(discordMessage(alert)), { 'content-type': 'application/json' }),
};
