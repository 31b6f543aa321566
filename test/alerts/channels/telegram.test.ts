import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TELEGRAM_API, telegramChannel, telegramText } from '../../../shared/alerts/channels/telegram';
import { escapeTelegramHtml } from '../../../shared/alerts/channels/telegram/html';
import { renderAlert } from '../../../shared/alerts/render';
import { alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { startReceiver, type Receiver } from '../support/receiver';
import { parseTelegramHtml, telegramApi } from '../support/vendors/telegram';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const CHAT = '-1001234567890';

httpKindContract('telegram', () => ({ bot_token: TOKEN, chat_id: CHAT }), {
  path: `/bot${TOKEN}/sendMessage`,
  vendor: telegramApi(TOKEN, CHAT).api,
  origin: TELEGRAM_API,
});

/** Any text at all: every Unicode code point, astral planes and lone surrogate halves included. */
const anyText = (maxLength?: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ maxLength }),
  );

describe('telegram channel', () => {
  let receiver: Receiver;
  let fake: ReturnType<typeof telegramApi>;
  beforeEach(async () => {
    fake = telegramApi(TOKEN, CHAT);
    receiver = await startReceiver(undefined, fake.api);
  });
  afterEach(async () => {
    await receiver.close();
  });
  const via = () => transports({ vendorOrigins: { [TELEGRAM_API]: receiver.url } });

  it('sends HTML that Telegram parses back into exactly the words of the alert', async () => {
    const alert = renderAlert(alertMessage({}, { name: 'Backup <b>&amp; "co" *_[x](y)_*' }), {
      lastOutput: 'if a < b && c > d: exit 1',
    });
    expect(await telegramChannel.send(alert, { bot_token: TOKEN, chat_id: CHAT }, via())).toBe('HTTP 200');
    const body = receiver.json<{ chat_id: string; parse_mode: string; link_preview_options: object }>(0);
    expect(body).toMatchObject({ chat_id: CHAT, parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    const shown = fake.sent[0]!;
    expect(
      shown.startsWith('MISSING | Backup <b>&amp; "co" *_[x](y)_*\nBackup <b>&amp; "co" *_[x](y)_* is missing.'),
    ).toBe(true);
    expect(shown).toContain('Open in CronSentry');
    expect(shown).toContain('Schedule: At 03:00 (Europe/Berlin)');
    expect(shown).toContain('if a < b && c > d: exit 1');
  });

  it('is refused for good by Telegram with another bot token', async () => {
    const other = { bot_token: '42:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', chat_id: CHAT };
    await expect(telegramChannel.send(renderAlert(alertMessage()), other, via())).rejects.toMatchObject({
      permanent: true,
      // A code, never the remote body (shared/alerts/http.ts).
      message: 'http_401',
    });
  });

  it('escapes every reserved character: any text survives the round trip through Telegram HTML', () => {
    fc.assert(
      fc.property(anyText(), (text) => {
        const parsed = parseTelegramHtml(`<b>${escapeTelegramHtml(text)}</b>`);
        // Lone surrogate halves cannot be sent as UTF-8: they become U+FFFD, as a UTF-8 encoder makes them.
        const wellFormed = Buffer.from(text, 'utf8').toString('utf8');
        expect(parsed).toEqual({ ok: true, text: wellFormed });
      }),
      { numRuns: 500 },
    );
  });

  it('builds a message Telegram accepts for any job name, reason, tags and output, within 4096 characters', () => {
    fc.assert(
      fc.property(
        anyText(300),
        anyText(3000),
        fc.array(anyText(30), { maxLength: 5 }),
        anyText(6000),
        fc.boolean(),
        (name, reason, tags, output, test) => {
          const message = alertMessage({ notice: { ...alertMessage().notice, reason } }, { name, tags });
          const html = telegramText(renderAlert(message, { lastOutput: output, test }));
          const parsed = parseTelegramHtml(html);
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          expect(parsed.text.length).toBeLessThanOrEqual(4096);
          expect(parsed.text.trim()).not.toBe('');
          expect(parsed.text).toMatch(/^(TEST \| )?MISSING \| /);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('cuts a long message at 4096 UTF-16 units, never inside a surrogate pair or a tag', () => {
    const reason = '😀'.repeat(5000);
    const html = telegramText(renderAlert(alertMessage({ notice: { ...alertMessage().notice, reason } })));
    const parsed = parseTelegramHtml(html);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.text.length).toBeLessThanOrEqual(4096);
      expect(parsed.text.length).toBeGreaterThan(4000);
      expect(parsed.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });

  it('validates the bot token and the chat id', () => {
    const parse = (settings: object) => telegramChannel.settingsSchema.safeParse(settings).success;
    expect(parse({ bot_token: TOKEN, chat_id: '@cron_alerts' })).toBe(true);
    expect(parse({ bot_token: TOKEN, chat_id: '12345' })).toBe(true);
    expect(parse({ bot_token: 'abc', chat_id: CHAT })).toBe(false);
    expect(parse({ bot_token: TOKEN, chat_id: 'cron alerts' })).toBe(false);
  });
});
