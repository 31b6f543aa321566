/**
 * What text from outside may hold where it is shown on one line (job names, tags) or as prose
 * (descriptions), and how to make any text safe for a one-line header. Pure: used when a job is
 * saved (refuse) and when an alert is rendered (strip, for data saved before the rule existed).
 *
 * Refused characters, and why:
 * - C0 and C1 controls and DEL (`\p{Cc}`: NUL, CR, LF, ESC…): SNS refuses subjects with them, a
 *   CR/LF in a mail header is header injection, ESC sequences repaint terminals and logs.
 * - U+2028/U+2029 (line and paragraph separators): line breaks by another name.
 * - Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): an unterminated one
 *   reorders the text *around* the name in chat clients and mail readers ("Trojan Source"), so a
 *   job could make `RECOVERED | x` read as something else. The plain marks LRM, RLM and ALM
 *   (U+200E, U+200F, U+061C) stay allowed: they only nudge neutral characters next to them, which
 *   mixed Hebrew/Arabic and Latin names need, and cannot spill over.
 * - Lone surrogates (`\p{Cs}` in a `u` regex matches only unpaired halves): they are not
 *   Unicode text, cannot be encoded as UTF-8, and make the AWS SDK throw `URIError`.
 */
const LINE_BREAKS = '\\u2028\\u2029';
const BIDI_CONTROLS = '\\u202A-\\u202E\\u2066-\\u2069';

const UNSAFE_IN_LINE = new RegExp(`[\\p{Cc}\\p{Cs}${LINE_BREAKS}${BIDI_CONTROLS}]`, 'u');
/** Prose may hold tabs and line breaks; everything else refused in a line is refused here too. */
const UNSAFE_IN_PROSE = new RegExp(`(?![\\t\\n\\r])[\\p{Cc}\\p{Cs}${BIDI_CONTROLS}]`, 'u');

/** Why a one-line text (a name, a tag) is refused, or undefined when it is fine. */
export function lineTextProblem(text: string): string | undefined {
  return UNSAFE_IN_LINE.test(text)
    ? 'must not contain control characters, line breaks, bidi overrides or unpaired surrogates'
    : undefined;
}

/** Why a multi-line text (a description) is refused, or undefined when it is fine. */
export function proseTextProblem(text: string): string | undefined {
  return UNSAFE_IN_PROSE.test(text)
    ? 'must not contain control characters (other than tab and line breaks), bidi overrides or unpaired surrogates'
    : undefined;
}

const UNSAFE_ALL = new RegExp(`[\\p{Cc}\\p{Cs}${LINE_BREAKS}${BIDI_CONTROLS}]+`, 'gu');

/**
 * Any text as one clean line: every refused character becomes a space, runs of white space one
 * space, no space at either end. Applied at render time, so even a name stored before names were
 * checked renders safely.
 */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_ALL, ' ').replace(/\s+/gu, ' ').trim();
}

/**
 * The start of `text` in at most `max` UTF-16 units, ending in `…` where it was cut, and never
 * cut inside a surrogate pair (half an emoji is not text, and the AWS SDK throws on it). Counting
 * UTF-16 units is the stricter of the two ways receivers count, so it fits either.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (isLowSurrogate(text.charCodeAt(end))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** The end of `text` in at most `max` UTF-16 units, starting with `…` where it was cut; never inside a pair. */
export function tailText(text: string, max: number): string {
  if (text.length <= max) return text;
  let start = text.length - Math.max(0, max - 1);
  if (isLowSurrogate(text.charCodeAt(start))) start += 1;
  return `…${text.slice(start)}`;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Printable ASCII only, for places that accept nothing else (SNS subjects): accents are dropped
 * from letters that have an ASCII base (`é` → `e`), anything else becomes `?` (one per code
 * point), and the result is clipped to `max` characters.
 */
export function printableAscii(text: string, max: number): string {
  const ascii = Array.from(
    oneLine(text)
      .normalize('NFKD')
      .replace(/\p{M}+/gu, ''),
  )
    .map((point) => (/^[\x20-\x7e]$/.test(point) ? point : '?'))
    .join('');
  return (ascii.length <= max ? ascii : `${ascii.slice(0, max - 3)}...`).trim();
}
