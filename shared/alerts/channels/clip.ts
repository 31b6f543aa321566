/**
 * How a vendor counts a length: Unicode code points (most say "characters"), UTF-16 code units
 * (Telegram, whose entity offsets are UTF-16) or UTF-8 bytes (ntfy's message limit).
 */
export type LengthUnit = 'code-points' | 'utf16' | 'utf8';

const ELLIPSIS = '…';

function sizeOf(codePoint: string, unit: LengthUnit): number {
  if (unit === 'code-points') return 1;
  if (unit === 'utf16') return codePoint.length;
  return Buffer.byteLength(codePoint, 'utf8');
}

/** The length of a text as the vendor counts it. */
export function lengthIn(text: string, unit: LengthUnit): number {
  if (unit === 'utf16') return text.length;
  if (unit === 'utf8') return Buffer.byteLength(text, 'utf8');
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Lone surrogate halves (possible in JSON input) become U+FFFD: vendors want well-formed UTF-8. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * Cuts a text to at most `max` (in the vendor's unit) and marks the cut with `…`. It cuts between
 * code points only, so a surrogate pair (an emoji, a CJK extension character) is never split into
 * the lone halves that JSON encoders and vendors reject.
 */
export function clip(raw: string, max: number, unit: LengthUnit = 'code-points'): string {
  const text = wellFormed(raw);
  if (lengthIn(text, unit) <= max) return text;
  const room = max - sizeOf(ELLIPSIS, unit);
  if (room < 0) return '';
  let used = 0;
  let kept = '';
  for (const codePoint of text) {
    const size = sizeOf(codePoint, unit);
    if (used + size > room) break;
    used += size;
    kept += codePoint;
  }
  return kept + ELLIPSIS;
}

/** Keeps the end of a text (where a job's errors are), cut the same way. */
export function clipStart(raw: string, max: number, unit: LengthUnit = 'code-points'): string {
  const text = wellFormed(raw);
  if (lengthIn(text, unit) <= max) return text;
  const room = max - sizeOf(ELLIPSIS, unit);
  if (room < 0) return '';
  const codePoints = [...text];
  let used = 0;
  let start = codePoints.length;
  while (start > 0 && used + sizeOf(codePoints[start - 1]!, unit) <= room) {
    start -= 1;
    used += sizeOf(codePoints[start]!, unit);
  }
  return ELLIPSIS + codePoints.slice(start).join('');
}
