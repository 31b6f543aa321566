import { describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE, readInfraSettings, SETTING_NAMES } from '../../infra/settings';

const from = (context: Record<string, unknown>) => readInfraSettings((key) => context[key]);

describe('deploy settings', () => {
  it('have documented defaults', () => {
    expect(from({})).toEqual({
      stackName: 'CronSentry',
      retainData: true,
      throttleRateLimit: DEFAULT_THROTTLE.rateLimit,
      throttleBurstLimit: DEFAULT_THROTTLE.burstLimit,
      dashboard: true,
      logRetentionDays: 30,
      logLevel: 'INFO',
      corsOrigins: [],
      sesSandboxRecipients: [],
      dashboardDir: 'dashboard/dist',
      pingLogDays: 30,
      snsChannelTopics: ['cronsentry-*'],
      awsEvents: false,
      privateAlertTargets: false,
    });
  });

  it('take the strings -c gives them as numbers, booleans and lists', () => {
    expect(
      from({
        retainData: 'false',
        throttleRateLimit: '10',
        corsOrigins: 'https://a.example, https://b.example',
        alertEmailFrom: '',
        dashboard: 'false',
        checkerReservedConcurrency: '1',
      }),
    ).toMatchObject({
      dashboard: false,
      checkerReservedConcurrency: 1,
      retainData: false,
      throttleRateLimit: 10,
      corsOrigins: ['https://a.example', 'https://b.example'],
      alertEmailFrom: undefined,
    });
  });

  it('reject a bad value with the name of the setting', () => {
    expect(() => from({ throttleRateLimit: 'fast' })).toThrow(/-c throttleRateLimit/);
    expect(() => from({ logRetentionDays: '31' })).toThrow(/-c logRetentionDays: must be one of/);
    expect(() => from({ retainData: 'yes' })).toThrow(/-c retainData/);
    expect(() => from({ dashboard: 'no' })).toThrow(/-c dashboard/);
    expect(() => from({ checkerReservedConcurrency: '0' })).toThrow(/-c checkerReservedConcurrency/);
    expect(() => from({ alertEmailFrom: 'not-an-address' })).toThrow(/-c alertEmailFrom/);
    expect(() => from({ sesSandboxRecipients: 'a@example.com,nope' })).toThrow(/-c sesSandboxRecipients/);
    expect(() => from({ publicUrl: 'https://cron.example.com/' })).toThrow(/-c publicUrl/);
  });

  it('are all documented in docs/deploy.md', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    for (const name of SETTING_NAMES) expect(doc, name).toContain(`\`${name}\``);
  });
});
