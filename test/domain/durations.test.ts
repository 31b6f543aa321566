import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY,
  HOUR,
  MINUTE,
  SECOND,
  describeDuration,
  formatDuration,
  parseDuration,
} from '../../shared/domain/durations';

describe('parseDuration', () => {
  it.each([
    ['90s', 90 * SECOND],
    ['5m', 5 * MINUTE],
    ['2h', 2 * HOUR],
    ['1d', DAY],
    ['0s', 0],
    [' 5m ', 5 * MINUTE],
    ['2H', 2 * HOUR],
    ['5 m', 5 * MINUTE],
    ['9999999s', 9_999_999 * SECOND],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', 'm', '1.5h', '-5m', '5w', '5mm', '10000000s', '5 minutes', 'five m'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [SECOND, '1s'],
    [90 * SECOND, '90s'],
    [MINUTE, '1m'],
    [15 * MINUTE, '15m'],
    [90 * MINUTE, '90m'],
    [HOUR, '1h'],
    [25 * HOUR, '25h'],
    [DAY, '1d'],
    [7 * DAY, '7d'],
    // Sub-second remainders round to whole seconds: nothing CronSentry stores is finer.
    [1_499, '1s'],
    [1_500, '2s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration for every whole number of seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), (seconds) => {
        const ms = seconds * SECOND;
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips every text parseDuration accepts to the same length of time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), fc.constantFrom('s', 'm', 'h', 'd'), (amount, unit) => {
        const ms = parseDuration(`${amount}${unit}`);
        expect(ms).toBeDefined();
        expect(parseDuration(formatDuration(ms!))).toBe(ms);
      }),
      { numRuns: 500 },
    );
  });
});

describe('describeDuration', () => {
  it.each([
    [0, '0 s'],
    [-5 * SECOND, '0 s'],
    [400, '0 s'],
    [SECOND, '1 s'],
    [59_999, '1 min'],
    [90 * SECOND, '1 min 30 s'],
    [2 * HOUR, '2 h'],
    [90 * MINUTE, '1 h 30 min'],
    [DAY + HOUR, '1 d 1 h'],
    // At most two units, the largest first: people want the gist, not the seconds of a day-long outage.
    [DAY + HOUR + MINUTE + SECOND, '1 d 1 h'],
    [DAY + 5 * SECOND, '1 d 5 s'],
    [3 * DAY, '3 d'],
  ])('%d ms → %s', (ms, words) => {
    expect(describeDuration(ms)).toBe(words);
  });
});
