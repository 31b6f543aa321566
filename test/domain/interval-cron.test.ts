import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../shared/domain/durations';
import { intervalAsCron, intervalTextAsCron } from '../../shared/domain/interval-cron';

describe('the crontab form of an interval (the job page snippet)', () => {
  it.each([
    ['every 1m', '* * * * *'],
    ['every 5m', '*/5 * * * *'],
    ['every 15m', '*/15 * * * *'],
    ['every 30m', '*/30 * * * *'],
    ['every 1h', '0 * * * *'],
    ['every 60m', '0 * * * *'],
    ['every 2h', '0 */2 * * *'],
    ['every 6h', '0 */6 * * *'],
    ['every 12h', '0 */12 * * *'],
    ['every 1d', '0 0 * * *'],
    ['every 7d', '0 0 * * 0'],
  ])('%s is %s', (text, cron) => {
    expect(intervalTextAsCron(text)).toBe(cron);
  });

  it.each(['every 45m', 'every 7m', 'every 90m', 'every 5h', 'every 2d', 'every 30s', 'every 90s', '0 */2 * * *'])(
    '%s has no exact cron form',
    (text) => {
      expect(intervalTextAsCron(text)).toBeUndefined();
    },
  );

  it('every cron form it gives runs exactly one interval apart, all week long', () => {
    const intervals = fc.oneof(
      fc.integer({ min: 1, max: 120 }).map((m) => m * MINUTE),
      fc.integer({ min: 1, max: 48 }).map((h) => h * HOUR),
      fc.integer({ min: 1, max: 8 }).map((d) => d * DAY),
    );
    fc.assert(
      fc.property(intervals, (everyMs) => {
        const cron = intervalAsCron(everyMs);
        if (cron === undefined) return;
        const times = CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: new Date(Date.UTC(2026, 0, 4)) });
        let previous = times.next().getTime();
        // Enough runs to cross hour, day and week boundaries, bounded for the 1-minute case.
        const runs = Math.min(2 + (14 * DAY) / everyMs, 3_000);
        for (let i = 0; i < runs; i += 1) {
          const next = times.next().getTime();
          expect(next - previous).toBe(everyMs);
          previous = next;
        }
      }),
      { numRuns: 60 },
    );
  });
});
