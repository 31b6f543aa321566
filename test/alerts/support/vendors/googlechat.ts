import type { VendorApi } from '../receiver';
import { isString, jsonAnswer, jsonBody } from './answers';

const REPLY_OPTIONS = ['REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD', 'REPLY_MESSAGE_OR_FAIL'];

/**
 * A Google Chat incoming webhook (`POST /v1/spaces/{space}/messages?key=…&token=…`): text and/or
 * cardsV2, an optional thread key, 32,000 bytes at most. 200 with the created message; otherwise
 * Google's error JSON (400 INVALID_ARGUMENT).
 */
export const googleChatApi: VendorApi = (request) => {
  const invalid = (message: string) => jsonAnswer(400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
  const url = new URL(request.path, 'http://chat.invalid');
  const reply = url.searchParams.get('messageReplyOption');
  if (reply !== null && !REPLY_OPTIONS.includes(reply)) return invalid('Invalid value at messageReplyOption');
  if (Buffer.byteLength(request.body) > 32_000) return invalid('Message too large');
  const message = jsonBody(request);
  if (!message) return invalid('Invalid JSON payload received.');
  const cards = message.cardsV2;
  if (!isString(message.text) && !Array.isArray(cards)) return invalid('Message cannot be empty.');
  if (message.text !== undefined && (!isString(message.text) || message.text.length > 4096))
    return invalid('Invalid text');
  for (const entry of (cards ?? []) as Record<string, unknown>[]) {
    const card = entry.card as { sections?: { widgets?: Record<string, unknown>[] }[] } | undefined;
    if (!isString(entry.cardId) || !Array.isArray(card?.sections)) return invalid('Invalid card');
    for (const widget of card.sections.flatMap((section) => section.widgets ?? [])) {
      const kinds = Object.keys(widget);
      if (kinds.length !== 1 || !['textParagraph', 'decoratedText', 'buttonList'].includes(kinds[0]!)) {
        return invalid(`Invalid widget ${kinds.join(',')}`);
      }
      const decorated = widget.decoratedText as { text?: unknown } | undefined;
      if (decorated && !isString(decorated.text)) return invalid('decoratedText.text is required');
    }
  }
  const thread = message.thread as { threadKey?: unknown } | undefined;
  if (thread !== undefined && !isString(thread.threadKey)) return invalid('Invalid thread');
  return jsonAnswer(200, { name: 'spaces/AAA/messages/1', thread: { name: 'spaces/AAA/threads/1' }, ...message });
};
