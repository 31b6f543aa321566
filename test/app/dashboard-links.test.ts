import { describe, expect, it } from 'vitest';
import { parseJobCreate } from '../../shared/app/job-input';
import { servicesFor, successPing } from '../support/services';

/** A failure ping on a new job, and the one alert message it publishes. */
async function alertOfAFailure(env: Record<string, string>) {
  const { services, principal, bus } = await servicesFor('DynamoDB Local', env);
  const now = Date.UTC(2026, 0, 1, 12);
  const job = await services.jobs.create(
    principal,
    parseJobCreate({ name: 'nightly backup', schedule: 'every 1h', grace_time: '5m' }),
    now,
  );
  await services.pings.record({ ...successPing(job.state.id), kind: 'fail' }, now + 1_000);
  expect(bus.messages).toHaveLength(1);
  return { message: bus.messages[0]!, jobId: job.state.id };
}

describe('alert links to the dashboard', () => {
  it('open the job at the public URL', async () => {
    const { message, jobId } = await alertOfAFailure({});
    expect(message.dashboardUrl).toBe(`https://cronsentry.example/#/jobs/${jobId}`);
  });

  it('are left out with CRONSENTRY_DASHBOARD_LINKS=off (a stack without the dashboard)', async () => {
    const { message } = await alertOfAFailure({ CRONSENTRY_DASHBOARD_LINKS: 'off' });
    expect(message.dashboardUrl).toBeUndefined();
    expect(message.event).toBe('down');
  });
});
