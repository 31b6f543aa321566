import { clip, lengthIn, wellFormed } from '../clip';

/**
 * Telegram's HTML parse mode: `<`, `>` and `&` outside tags must be `&lt;`, `&gt;`, `&amp;`
 * (inside an attribute value `"` too); nothing else is special, so nothing else is escaped.
 */
export function escapeTelegramHtml(text: string): string {
  return wellFormed(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A piece of a message: its visible text and how it is shown. */
export type Segment =
  { readonly text: string; readonly style?: 'b' | 'pre' } | { readonly text: string; readonly href: string };

/**
 * Renders segments into Telegram HTML whose visible text (what Telegram counts, in UTF-16 units)
 * fits `budget`: each segment gets what is left, cut between code points, and tags are never cut
 * because escaping and tagging happen after the cut.
 */
export function fitTelegramHtml(segments: readonly Segment[], budget: number): string {
  let left = budget;
  let html = '';
  for (const segment of segments) {
    if (left <= 0) break;
    const text = clip(segment.text, left, 'utf16');
    if (text === '') continue;
    left -= lengthIn(text, 'utf16');
    const escaped = escapeTelegramHtml(text);
    if ('href' in segment) html += `<a href="${escapeTelegramHtml(segment.href)}">${escaped}</a>`;
    else html += segment.style ? `<${segment.style}>${escaped}</${segment.style}>` : escaped;
  }
  return html;
}
