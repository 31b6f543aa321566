import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { eventually } from './support/alerting';
import { startReceiver, type Receiver } from './support/receiver';

/**
 * Issue 9: `kill -9` of the sandbox while a slow webhook is being called used to leave the delivery
 * `sending` forever. The pending delivery is in the store; the next start delivers it.
 */
describe('an alert survives kill -9 of the sandbox mid-delivery', () => {
  let receiver: Receiver;
  let dataDir: string;
  const sandboxes: SandboxProcess[] = [];

  beforeAll(async () => {
    receiver = await startReceiver(['hang']);
    dataDir = await mkdtemp(path.join(tmpdir(), 'cronsentry-kill-'));
  });
  afterAll(async () => {
    for (const sandbox of sandboxes) await sandbox.stop();
    await receiver?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const api = async (sandbox: SandboxProcess, method: string, route: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Record<string, unknown>;
  };

  /** A webhook channel to `url` and a job that alerts it. */
  const jobAlerting = async (sandbox: SandboxProcess, url: string, job: Record<string, unknown>) => {
    const channel = await api(sandbox, 'POST', '/api/channels', {
      kind: 'webhook',
      name: 'receiver',
      settings: { url },
    });
    return api(sandbox, 'POST', '/api/jobs', { ...job, channels: [channel.id] });
  };

  it('is delivered after a restart', async () => {
    const first = await startSandboxProcess({ CRONSENTRY_DATA_DIR: dataDir });
    sandboxes.push(first);
    const job = await jobAlerting(first, `${receiver.url}/hook`, {
      name: 'Nightly export',
      schedule: '0 3 * * *',
      grace_time: 60,
    });
    const pingUrl = job.ping_url as string;
    expect((await fetch(pingUrl)).status).toBe(200);
    expect((await fetch(`${pingUrl}/fail`)).status).toBe(200);

    // The webhook is being called and does not answer: kill the process now.
    await receiver.waitFor(1);
    await first.kill();
    receiver.answer([{ status: 200 }]);

    const second = await startSandboxProcess({ CRONSENTRY_DATA_DIR: dataDir });
    sandboxes.push(second);
    await eventually(() => receiver.requests.length >= 2, 'the alert after the restart', 400);
    const [killed, delivered] = receiver.requests;
    expect(delivered!.headers['x-cronsentry-event']).toBe('down');
    expect(delivered!.headers['x-cronsentry-delivery']).toBe(killed!.headers['x-cronsentry-delivery']);

    await eventually(async () => {
      const page = await api(second, 'GET', `/api/deliveries?job_id=${String(job.id)}`);
      const records = page.deliveries as { outcome: string; event: string }[];
      return records.length === 1 && records[0]!.outcome === 'sent';
    }, 'the delivery recorded as sent');
    // Settled: nothing is sent twice.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(receiver.requests).toHaveLength(2);
  }, 180_000);

  it('flags a deadline that passed while the sandbox was down at start, not one sweep interval later', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'cronsentry-restart-'));
    const slowSweeps = { CRONSENTRY_DATA_DIR: folder, CRONSENTRY_SWEEP_SECONDS: '60' };
    const listener = await startReceiver();
    try {
      const first = await startSandboxProcess(slowSweeps);
      const job = await jobAlerting(first, `${listener.url}/hook`, {
        name: 'Every two seconds',
        schedule: 'every 2s',
        grace_time: '1s',
      });
      expect((await fetch(job.ping_url as string)).status).toBe(200);
      await first.stop({ keepData: true });
      await new Promise((resolve) => setTimeout(resolve, 4_000)); // the deadline passes while it is down

      const started = Date.now();
      const second = await startSandboxProcess(slowSweeps);
      sandboxes.push(second);
      await eventually(() => listener.requests.length >= 1, 'the missing alert', 800);
      expect(listener.requests[0]!.headers['x-cronsentry-event']).toBe('down');
      expect(Date.now() - started).toBeLessThan(30_000); // far less than the 60-s sweep interval
    } finally {
      await listener.close();
      await rm(folder, { recursive: true, force: true });
    }
  }, 180_000);
});
