import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../alerts/support/alerting';
import { sandboxWithReceiver } from '../support/sandbox-with-receiver';

/**
 * Issue 12 end to end over HTTP, in the real sandbox process (1 s sweeps, 1 s minimum): the
 * second consecutive failure alerts and the first does not; an overrunning run alerts while it is
 * still going. Alerts are observed where people get them: a webhook receiver.
 */
describe('failure threshold and max runtime in the sandbox', () => {
  const world = sandboxWithReceiver();
  const { api } = world;
  let channelId: string;

  beforeAll(async () => {
    channelId = await world.webhookChannel('receiver');
  });

  /** The alerts the receiver got for one job: [event, subject]. */
  const alertsFor = (jobId: string) =>
    world.receiver.requests
      .map((_, i) => world.receiver.json(i) as { event: string; subject: string; job: { id: string } })
      .filter((alert) => alert.job.id === jobId)
      .map((alert) => [alert.event, alert.subject]);
  /** A few sweeps: long enough for an alert that should not come to have come. */
  const sweeps = () => new Promise((resolve) => setTimeout(resolve, 3_500));
  /** An hourly job with an hour of grace: it cannot go missing during the test. */
  const createJob = async (name: string, rules: Record<string, unknown>) => {
    const job = await api('POST', '/api/jobs', {
      name,
      schedule: 'every 1h',
      grace_time: '1h',
      channels: [channelId],
      ...rules,
    });
    expect(job.status).toBe(201);
    return { id: String(job.body.id), ping: String(job.body.ping_url) };
  };

  it('failure_threshold 2: the first failure is only counted, the second alerts once', async () => {
    const job = await createJob('Nightly export', { failure_threshold: 2 });
    expect((await fetch(job.ping)).status).toBe(200);

    expect((await fetch(`${job.ping}/fail`)).status).toBe(200);
    await sweeps();
    expect(alertsFor(job.id)).toEqual([]);
    expect((await api('GET', `/api/jobs/${job.id}`)).body).toMatchObject({ status: 'failing', failure_count: 1 });

    expect((await fetch(`${job.ping}/1`)).status).toBe(200);
    await eventually(() => alertsFor(job.id).length >= 1, 'the alert on the second failure', 600);
    await sweeps();
    expect(alertsFor(job.id)).toEqual([['down', 'FAILED | Nightly export']]);
    expect((await api('GET', `/api/jobs/${job.id}`)).body).toMatchObject({ status: 'failed', failure_count: 0 });
  }, 60_000);

  it('max_runtime 2s: a run still going alerts as overrunning before it finishes', async () => {
    const job = await createJob('Long report', { max_runtime: '2s' });
    expect((await fetch(job.ping)).status).toBe(200);
    expect((await fetch(`${job.ping}/start`)).status).toBe(200);

    await eventually(() => alertsFor(job.id).length >= 1, 'the overrunning alert', 600);
    // The run has not finished: nothing sent its finish yet, and the job says so.
    expect(alertsFor(job.id)).toEqual([['down', 'OVERRUNNING | Long report']]);
    expect((await api('GET', `/api/jobs/${job.id}`)).body).toMatchObject({
      status: 'overrunning',
      run_in_progress: true,
    });

    // When it does finish, past its limit, that run counts as failed.
    expect((await fetch(job.ping)).status).toBe(200);
    await eventually(() => alertsFor(job.id).length >= 2, 'the late finish', 600);
    // A flip is recorded just after its alert is handed over, so the record may trail the alert.
    const latestFlip = async () =>
      ((await api('GET', `/api/jobs/${job.id}/flips`)).body.flips as { to: string; reason: string }[])[0]!;
    await eventually(async () => (await latestFlip()).to === 'failed', 'the failed flip recorded', 600);
    const latest = await latestFlip();
    expect(latest.reason).toMatch(/^finished in \d+(\.\d)? s, expected at most 2 s$/);
  }, 60_000);
});
