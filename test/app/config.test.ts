import { describe, expect, it } from 'vitest';
import { readSettings } from '../../shared/config';

// The settings are read with zod's mini API (shared/zod-mini.ts), which has no messages of its
// own: these cases prove each malformed setting is still refused by name, with zod's English
// message, and that every default and conversion is what the functions expect.
describe('readSettings', () => {
  it('gives every default when nothing is set', () => {
    expect(readSettings({})).toEqual({
      TABLE_NAME: 'cronsentry',
      CRONSENTRY_DASHBOARD_LINKS: 'on',
      CRONSENTRY_CANARY_SECONDS: 60,
      CRONSENTRY_INGEST_VOLUME: 'off',
      CRONSENTRY_MIN_SECONDS: 60,
      CRONSENTRY_SWEEP_SECONDS: 10,
      CHECKER_WINDOW_SECONDS: 60,
      MAX_JOBS_PER_PROJECT: 10_000,
      MAX_PINGS_PER_MINUTE: 60,
      PING_LOG_DAYS: 30,
      ALERT_ALLOW_PRIVATE_TARGETS: false,
      CRONSENTRY_TEST_LOOPBACK_TARGETS: false,
      LOG_LEVEL: 'INFO',
    });
  });

  it.each([
    [{ CRONSENTRY_MIN_SECONDS: '15' }, { CRONSENTRY_MIN_SECONDS: 15 }],
    [{ CRONSENTRY_SWEEP_SECONDS: '0.5' }, { CRONSENTRY_SWEEP_SECONDS: 0.5 }],
    [{ PING_LOG_DAYS: ' 7 ' }, { PING_LOG_DAYS: 7 }],
    [{ ALERT_ALLOW_PRIVATE_TARGETS: '1' }, { ALERT_ALLOW_PRIVATE_TARGETS: true }],
    [{ ALERT_ALLOW_PRIVATE_TARGETS: 'true' }, { ALERT_ALLOW_PRIVATE_TARGETS: true }],
    [{ ALERT_ALLOW_PRIVATE_TARGETS: '0' }, { ALERT_ALLOW_PRIVATE_TARGETS: false }],
    [{ CRONSENTRY_TEST_LOOPBACK_TARGETS: '1' }, { CRONSENTRY_TEST_LOOPBACK_TARGETS: true }],
    [{ SNS_CHANNEL_TOPICS: ' arn:a , arn:b*,,' }, { SNS_CHANNEL_TOPICS: ['arn:a', 'arn:b*'] }],
    [{ CRONSENTRY_PUBLIC_URL: 'https://cron.example.com' }, { CRONSENTRY_PUBLIC_URL: 'https://cron.example.com' }],
  ])('reads %j', (env, expected) => {
    expect(readSettings(env)).toMatchObject(expected);
  });

  it.each([
    [{ TABLE_NAME: '' }, 'TABLE_NAME: Too small'],
    [{ CRONSENTRY_MIN_SECONDS: '1.5' }, 'CRONSENTRY_MIN_SECONDS: Invalid input: expected int'],
    [{ CRONSENTRY_MIN_SECONDS: 'soon' }, 'CRONSENTRY_MIN_SECONDS: Invalid input: expected number'],
    [{ MAX_PINGS_PER_MINUTE: '1001' }, 'MAX_PINGS_PER_MINUTE: Too big: expected number to be <=1000'],
    [{ CRONSENTRY_SWEEP_SECONDS: '0.1' }, 'CRONSENTRY_SWEEP_SECONDS: Too small: expected number to be >=0.2'],
    [{ CRONSENTRY_PUBLIC_URL: 'cron.example.com' }, 'CRONSENTRY_PUBLIC_URL: Invalid URL'],
    [{ ALERT_ALLOW_PRIVATE_TARGETS: 'yes' }, 'ALERT_ALLOW_PRIVATE_TARGETS: Invalid option'],
    [{ LOG_LEVEL: 'debug' }, 'LOG_LEVEL: Invalid option'],
    [{ CRONSENTRY_ORIGIN_SECRET: 'short' }, 'CRONSENTRY_ORIGIN_SECRET: Too small'],
  ])('refuses %j by name', (env, message) => {
    expect(() => readSettings(env)).toThrow(`Invalid CronSentry configuration: ${message}`);
  });
});
