import type { VendorApi } from '../receiver';
import { jsonAnswer, jsonBody } from './answers';

/** The tags Telegram's HTML parse mode accepts (Bot API, "HTML style"). */
const TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'tg-emoji',
  'code',
  'pre',
  'blockquote',
]);
const ENTITY = /^&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/;
const NAMED: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"' };

/**
 * Telegram's HTML parse mode, strictly as documented: only the listed tags, properly nested; `<`,
 * `>` and `&` outside tags only as `&lt;`, `&gt;`, `&amp;` (or `&quot;`, numeric entities).
 * Returns the visible text, or the error Telegram's "can't parse entities" would name.
 */
export function parseTelegramHtml(html: string): { ok: true; text: string } | { ok: false; error: string } {
  const open: string[] = [];
  let text = '';
  let at = 0;
  while (at < html.length) {
    const c = html[at]!;
    if (c === '<') {
      const tag = /^<(\/?)([a-z-]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/.exec(html.slice(at));
      if (!tag) return { ok: false, error: `Unexpected character "<" at byte offset ${at}` };
      const [whole, closing, name] = tag;
      if (!TAGS.has(name!)) return { ok: false, error: `Unsupported start tag "${name}" at byte offset ${at}` };
      if (closing) {
        if (open.pop() !== name)
          return { ok: false, error: `Unmatched end tag at byte offset ${at}, expected "</${open.at(-1) ?? ''}>"` };
      } else open.push(name!);
      at += whole.length;
    } else if (c === '&') {
      const entity = ENTITY.exec(html.slice(at));
      if (!entity) return { ok: false, error: `Unsupported HTML entity at byte offset ${at}` };
      const value = entity[0];
      text +=
        NAMED[value] ??
        String.fromCodePoint(Number(value.startsWith('&#x') ? `0x${value.slice(3, -1)}` : value.slice(2, -1)));
      at += value.length;
    } else if (c === '>') {
      return { ok: false, error: `Unexpected character ">" at byte offset ${at}` };
    } else {
      text += c;
      at += 1;
    }
  }
  if (open.length) return { ok: false, error: `Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return { ok: true, text };
}

/**
 * Telegram's `POST /bot<token>/sendMessage`: 401 for another token, 400 "chat not found", "can't
 * parse entities", "message is too long" (over 4096 UTF-16 units after parsing) or "message text
 * is empty"; 200 `{ ok: true, result }` with the message as chats will show it.
 */
export function telegramApi(token: string, chatId: string) {
  const sent: string[] = [];
  const refuse = (status: number, description: string) =>
    jsonAnswer(status, { ok: false, error_code: status, description });
  const api: VendorApi = (request) => {
    const method = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(request.path);
    if (!method || method[1] !== token) return refuse(401, 'Unauthorized');
    if (method[2] !== 'sendMessage') return refuse(404, 'Not Found');
    const body = jsonBody(request);
    if (!body) return refuse(400, 'Bad Request: message text is empty');
    if (String(body.chat_id) !== chatId) return refuse(400, 'Bad Request: chat not found');
    if (body.parse_mode !== 'HTML') return refuse(400, 'Bad Request: unsupported parse_mode in this fake');
    const parsed = parseTelegramHtml(typeof body.text === 'string' ? body.text : '');
    if (!parsed.ok) return refuse(400, `Bad Request: can't parse entities: ${parsed.error}`);
    if (parsed.text.trim() === '') return refuse(400, 'Bad Request: message text is empty');
    if (parsed.text.length > 4096) return refuse(400, 'Bad Request: message is too long');
    sent.push(parsed.text);
    return jsonAnswer(200, {
      ok: true,
      result: { message_id: sent.length, chat: { id: chatId }, date: 0, text: parsed.text },
    });
  };
  return { api, sent };
}
