// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { post } from '../../http';
import type { RenderedAlert } from '../../render';
import { vendorUrl } from '../vendor-url';
import { fitTelegramHtml, type Segment } from './html';

export const TELEGRAM_API = 'https://api.telegram.org';
/** sendMessage takes 1–4096 characters of text after entities are parsed. */
export const TELEGRAM_MAX_TEXT = 4096;

const settingsSchema = z.strictObject({
  bot_token: z
    .string()
    .check(
      z.trim(),
      z.regex(/^\d{1,20}:[A-Za-z0-9_-]{30,64}$/, 'must be a bot token from @BotFather, like 123456:ABC-DEF…'),
    ),
  chat_id: z
    .string()
    .check(
      z.trim(),
      z.regex(
        /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/,
        'must be a numeric chat id (groups start with -) or a public @channelusername',
      ),
    ),
});
export type TelegramSettings = z.infer<typeof settingsSchema>;

/** The message in Telegram HTML: the most important parts first, so a cut only loses the end of the output. */
export function telegramText(alert: RenderedAlert): string {
  const segments: Segment[] = [
    { text: alert.subject, style: 'b' },
    { text: `\n${alert.headline}${alert.test ? '\nThis is a test message: nothing is wrong.' : ''}\n` },
  ];
  if (alert.dashboardUrl) segments.push({ text: 'Open in CronSentry', href: alert.dashboardUrl }, { text: '\n' });
  for (const fact of alert.facts) {
    segments.push({ text: '\n' }, { text: `${fact.label}: `, style: 'b' }, { text: fact.value });
  }
  if (alert.output) {
    segments.push(
      { text: '\n\n' },
      { text: `${alert.outputLabel}:`, style: 'b' },
      { text: alert.output, style: 'pre' },
    );
  }
  return fitTelegramHtml(segments, TELEGRAM_MAX_TEXT);
}

export function telegramMessage(alert: RenderedAlert, settings: TelegramSettings) {
  return {
    chat_id: settings.chat_id,
    text: telegramText(alert),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  };
}

/** Telegram through a bot's sendMessage (the bot token is the secret; it is part of the URL). */
export const telegramChannel: ChannelKind<TelegramSettings> = {
  kind: 'telegram',
  form: {
    label: 'Telegram',
    fields: [
      { name: 'bot_token', label: 'Bot token', hint: 'From @BotFather: /newbot.', type: 'password', required: true },
      {
        name: 'chat_id',
        label: 'Chat id',
        hint: 'A numeric chat id (groups start with -) or @channelusername; add the bot to the chat first.',
        type: 'text',
        required: true,
      },
    ],
  },
  settingsSchema,
  secretSettings: ['bot_token'],
  send: (alert, settings, transports) =>
    post(
      transports,
      vendorUrl(transports, `${TELEGRAM_API}/bot${settings.bot_token}/sendMessage`),
      JSON.stringify(telegramMessage(alert, settings)),
      { 'content-type': 'application/json' },
    ),
};
