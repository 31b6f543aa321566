import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clip, clipStart, lengthIn, wellFormed, type LengthUnit } from '../../../shared/alerts/channels/clip';

const UNITS: LengthUnit[] = ['code-points', 'utf16', 'utf8'];
const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string());

describe('clip', () => {
  it.each([
    ['short text stays', 'abc', 3, 'code-points', 'abc'],
    ['one over: the ellipsis takes the last place', 'abcd', 3, 'code-points', 'ab…'],
    ['an emoji is one code point', '😀😀😀😀', 3, 'code-points', '😀😀…'],
    ['but two UTF-16 units: no half pair is kept', '😀😀😀', 4, 'utf16', '😀…'],
    ['and four UTF-8 bytes (… is three)', '😀😀', 7, 'utf8', '😀…'],
    ['nothing fits', 'abc', 0, 'code-points', ''],
    ['a lone surrogate half becomes U+FFFD', 'a\uD800b', 5, 'code-points', 'a\uFFFDb'],
  ] as const)('%s', (_, text, max, unit, expected) => {
    expect(clip(text, max, unit)).toBe(expected);
  });

  it('keeps the end for clipStart', () => {
    expect(clipStart('line 1\nline 2\nERROR', 8)).toBe('…2\nERROR');
    expect(clipStart('😀😀😀', 4, 'utf16')).toBe('…😀');
  });

  it('never exceeds the limit, keeps a prefix (or suffix), and never leaves a lone surrogate', () => {
    fc.assert(
      fc.property(anyText, fc.nat(60), fc.constantFrom(...UNITS), (text, max, unit) => {
        for (const [cut, keep] of [
          [clip(text, max, unit), (s: string) => wellFormed(text).startsWith(s.replace(/…$/, ''))],
          [clipStart(text, max, unit), (s: string) => wellFormed(text).endsWith(s.replace(/^…/, ''))],
        ] as const) {
          expect(lengthIn(cut, unit)).toBeLessThanOrEqual(max);
          expect(keep(cut)).toBe(true);
          expect(wellFormed(cut)).toBe(cut);
          if (lengthIn(wellFormed(text), unit) <= max) expect(cut).toBe(wellFormed(text));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
