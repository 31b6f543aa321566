import { createSchema } from '../../shared/alerts/channel-service';
import { parseInput } from '../../shared/app/validation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/app/access';
import type { AlertBus, AlertMessage } from '../../shared/app/alert-bus';
import { createServices, type Services } from '../../shared/wiring/services';
import { readSettings } from '../../shared/config';
import { STORES, freshTable } from '../support/stores';
import { T0, quietLogger, transports } from './support/fixtures';
import { startReceiver, type Receiver } from './support/receiver';
import { parseJobCreate } from '../../shared/app/job-input';

const principal: Principal = { projectId: 'fault-project', keyId: 'key', role: 'read-write' };

/**
 * The alerts topic as a test double: hands each message to the notifier (awaited, so a sweep is
 * done when its alerts are), and can be told to crash the next publish, as a process dying
 * between the flip's write and the publish would.
 */
class CrashingBus implements AlertBus {
  crashNext = false;
  published: AlertMessage[] = [];
  deliver: (message: AlertMessage) => Promise<unknown> = async () => undefined;

  async publish(message: AlertMessage): Promise<void> {
    if (this.crashNext) {
      this.crashNext = false;
      throw new Error('crashed between the flip and the publish');
    }
    this.published.push(message);
    await this.deliver(message);
  }
}

describe.each(STORES)('alert delivery faults on %s', (store) => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let receiver: Receiver;
  let bus: CrashingBus;
  let services: Services;

  beforeEach(async () => {
    table = await freshTable(store);
    receiver = await startReceiver();
    bus = new CrashingBus();
    services = createServices({
      documents: table.documents,
      settings: readSettings({ TABLE_NAME: table.tableName, CRONSENTRY_MIN_SECONDS: '1' }),
      bus,
      logger: quietLogger,
      publicUrl: 'https://cronsentry.example.com',
      alerts: transports({ clock: () => T0 }),
    });
    bus.deliver = (message) => services.alerts.notifier.deliver(message);
    await services.access.ensureProject(principal.projectId, 'Faults', T0);
  });
  afterEach(async () => {
    await receiver.close();
    table.client.destroy();
  });

  async function healthyJobWithWebhook(): Promise<string> {
    await services.alerts.channels.create(
      principal,
      parseInput(createSchema, {
        kind: 'webhook',
        name: 'ops',
        settings: { url: `${receiver.url}/alerts` },
        is_default: true,
      }),
      T0,
    );
    const job = await services.jobs.create(
      principal,
      parseJobCreate({ name: 'Database Backup', schedule: 'every 2s', grace_time: '1s' }),
      T0,
    );
    await services.pings.record(
      { jobId: job.state.id, kind: 'success', method: 'POST', sourceIp: '127.0.0.1', userAgent: 'test', body: '' },
      T0,
    );
    expect(job.profile.channelIds).toHaveLength(1);
    return job.state.id;
  }

  const events = () => receiver.requests.map((request) => request.headers['x-cronsentry-event']);

  it('a crash between flip and publish: the next sweeps deliver the alert exactly once', async () => {
    await healthyJobWithWebhook();
    bus.crashNext = true;
    const flipped = await services.checker.sweep(T0 + 3_500);
    expect(flipped.flipped).toBe(1);
    expect(receiver.requests).toHaveLength(0);

    // Later sweeps find the notice still in the outbox and publish it; one of them delivers it.
    for (const later of [T0 + 10_000, T0 + 40_000, T0 + 70_000, T0 + 100_000]) await services.checker.sweep(later);
    expect(events()).toEqual(['down']);
    expect(receiver.json(0)).toMatchObject({ event: 'down', notice: { to: 'missing' } });

    // Even a duplicate publish of the same notice sends nothing more.
    for (const message of bus.published) await services.alerts.notifier.deliver(message);
    expect(events()).toEqual(['down']);
  });

  it('a recovery after an outage is delivered once, after the outage', async () => {
    const jobId = await healthyJobWithWebhook();
    await services.checker.sweep(T0 + 3_500);
    await services.pings.record(
      { jobId, kind: 'success', method: 'POST', sourceIp: '127.0.0.1', userAgent: 'test', body: 'all good\n' },
      T0 + 10_000,
    );
    await services.checker.sweep(T0 + 11_000);
    expect(events()).toEqual(['down', 'up']);
    const recovery = receiver.json(1);
    expect(recovery.subject).toBe('RECOVERED | Database Backup');
    expect(recovery.text).toContain('Down for:');
    expect(recovery.lastOutput).toBe('all good');
  });
});
