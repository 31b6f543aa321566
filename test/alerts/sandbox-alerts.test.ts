import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../shared/alerts/channels/webhook/signature';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { eventually } from './support/alerting';
import { startReceiver, type Receiver } from './support/receiver';

/**
 * The real sandbox process (1 s sweeps): a job every 2 s with 1 s of grace and a webhook channel
 * goes missing, then pings. The receiver must get exactly one signed alert for each flip.
 */
describe('alerts end to end in the sandbox', () => {
  let sandbox: SandboxProcess;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await startSandboxProcess();
  }, 90_000);
  afterAll(async () => {
    await sandbox?.stop();
    await receiver?.close();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
  };
  const events = () => receiver.requests.map((request) => request.headers['x-cronsentry-event']);
  /** Waits for a few more sweeps, so that a duplicate would have had its chance to arrive. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 3_500));

  it('one signed alert when the job goes missing, one recovery when it pings', async () => {
    const channel = await api('POST', '/api/channels', {
      kind: 'webhook',
      name: 'receiver',
      settings: { url: `${receiver.url}/cronsentry` },
    });
    expect(channel.status).toBe(201);
    const secret = (channel.body.settings as { secret: string }).secret;
    const job = await api('POST', '/api/jobs', {
      name: 'Database Backup',
      schedule: 'every 2s',
      grace_time: '1s',
      channels: [channel.body.id],
    });
    expect(job.status).toBe(201);
    const pingUrl = job.body.ping_url as string;
    expect((await fetch(pingUrl, { method: 'POST', body: 'first run\nok' })).status).toBe(200);

    await eventually(() => receiver.requests.length >= 1, 'the missing alert', 600);
    await settle();
    expect(events()).toEqual(['down']);
    const alert = receiver.requests[0]!;
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect(verifySignature(alert.headers['x-cronsentry-signature'] as string, alert.body, secret, nowSeconds)).toEqual({
      ok: true,
    });
    expect(receiver.json(0)).toMatchObject({
      event: 'down',
      subject: 'MISSING | Database Backup',
      lastOutput: 'first run\nok',
      job: { id: job.body.id, name: 'Database Backup' },
    });

    expect((await fetch(pingUrl, { method: 'POST' })).status).toBe(200);
    await eventually(() => receiver.requests.length >= 2, 'the recovery', 600);
    // Paused, the job cannot go missing again while we wait for duplicates (pausing alerts no one).
    expect((await api('POST', `/api/jobs/${String(job.body.id)}/pause`)).status).toBe(200);
    await settle();
    expect(events()).toEqual(['down', 'up']);
    expect(receiver.json(1)).toMatchObject({ event: 'up', subject: 'RECOVERED | Database Backup' });

    const deliveries = await api('GET', `/api/deliveries?job_id=${String(job.body.id)}`);
    expect(
      (deliveries.body.deliveries as { outcome: string; event: string }[]).map((d) => [d.event, d.outcome]),
    ).toEqual([
      ['up', 'sent'],
      ['down', 'sent'],
    ]);
  }, 60_000);
});
