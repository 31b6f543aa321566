import { describe, expect, it } from 'vitest';
import { fromAwsScheduleExpression, ScheduleExpressionError } from '../../shared/domain/aws-schedule-expression';
import { parseSchedule, upcoming } from '../../shared/domain/schedule';

describe('EventBridge schedule expressions → CronSentry schedules', () => {
  it.each([
    ['cron(0 2 * * ? *)', '0 2 * * *'],
    ['cron(0 8 ? * MON-FRI *)', '0 8 * * MON-FRI'],
    ['cron(0/15 * * * ? *)', '0/15 * * * *'],
    ['cron(0 12 ? * 1,7 *)', '0 12 * * 0,6'],
    ['cron(0 12 ? * 2-6 *)', '0 12 * * 1-5'],
    ['cron(0 9 ? * 2#1 *)', '0 9 * * 1#1'],
    ['cron(0 18 ? * 6L *)', '0 18 * * 5L'],
    ['cron(30 6 L * ? *)', '30 6 L * *'],
    ['cron(0 0 1 JAN,JUL ? *)', '0 0 1 JAN,JUL *'],
    ['rate(1 minute)', 'every 1m'],
    ['rate(5 minutes)', 'every 5m'],
    ['rate(1 hour)', 'every 1h'],
    ['rate(7 days)', 'every 7d'],
    ['0 2 * * *', '0 2 * * *'],
    ['every 10m', 'every 10m'],
  ])('%s → %s', (input, expected) => {
    const converted = fromAwsScheduleExpression(input);
    expect(converted).toBe(expected);
    expect(() => parseSchedule(converted, 'UTC')).not.toThrow();
  });

  it('keeps AWS weekday numbering: cron(0 12 ? * 2 *) runs on Mondays', () => {
    const schedule = parseSchedule(fromAwsScheduleExpression('cron(0 12 ? * 2 *)'), 'UTC');
    const next = upcoming(schedule, Date.UTC(2026, 0, 1), 2).map((ms) => new Date(ms).getUTCDay());
    expect(next).toEqual([1, 1]);
  });

  it.each([
    ['at(2026-01-01T00:00:00)', /one-time schedule/],
    ['cron(0 2 * * ?)', /six fields/],
    ['cron(0 2 * * ? 2027)', /year other than \*/],
    ['cron(0 2 15W * ? *)', /nearest weekday/],
    ['cron(0 2 ? * 8 *)', /must be 1–7/],
    ['rate(0 minutes)', /positive/],
    ['rate(5 weeks)', /rate\(5 minutes\)/],
  ])('refuses %s with a clear message', (input, message) => {
    expect(() => fromAwsScheduleExpression(input)).toThrow(ScheduleExpressionError);
    expect(() => fromAwsScheduleExpression(input)).toThrow(message);
  });
});
