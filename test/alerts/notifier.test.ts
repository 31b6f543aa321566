import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelRecord } from '../../shared/domain/channel';
import { DeliveryIncompleteError } from '../../shared/alerts/notifier';
import { STORES, freshTable } from '../support/stores';
import { alertingOver, eventually } from './support/alerting';
import { T0, alertMessage, channel } from './support/fixtures';
import { startReceiver, type Receiver } from './support/receiver';

const SECRET = 'whsec_notifier_tests_0000';

describe.each(STORES)('notifier on %s', (store) => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  const receivers: Receiver[] = [];
  const receiver = async (...script: Parameters<typeof startReceiver>) => {
    const started = await startReceiver(...script);
    receivers.push(started);
    return started;
  };

  beforeEach(async () => {
    table = await freshTable(store);
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    table.client.destroy();
  });

  async function webhooks(setup: ReturnType<typeof alertingOver>, ...urls: string[]): Promise<ChannelRecord[]> {
    const created = urls.map((url) => channel('webhook', { url, secret: SECRET }));
    for (const record of created) await setup.alerting.channelRepository.create(record);
    return created;
  }
  const messageFor = (channels: ChannelRecord[], overrides = {}) =>
    alertMessage(overrides, { channelIds: channels.map((c) => c.id) });

  it('delivers once per channel, however often the message arrives', async () => {
    const setup = alertingOver(table);
    const a = await receiver();
    const b = await receiver();
    const channels = await webhooks(setup, a.url, b.url);
    const message = messageFor(channels);

    const first = await setup.alerting.notifier.deliver(message);
    const again = await setup.alerting.notifier.deliver(message);

    expect(first.results.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(again.results.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
    const record = await setup.alerting.deliveries.get({
      projectId: 'project-1',
      noticeId: message.notice.id,
      noticeAt: message.notice.at,
      channelId: channels[0]!.id,
    });
    expect(record).toMatchObject({ outcome: 'sent', attempts: 1, jobId: 'job-1', event: 'down', detail: 'HTTP 200' });
    const stored = await setup.alerting.channelRepository.get('project-1', channels[0]!.id);
    expect(stored?.lastDelivery).toEqual({ at: T0, outcome: 'sent' });
  });

  it('two notifiers on the same notice: one delivery per channel', async () => {
    const one = alertingOver(table);
    const two = alertingOver(table);
    const receivers = [await receiver(), await receiver(), await receiver()];
    const channels = await webhooks(one, ...receivers.map((r) => r.url));
    const message = messageFor(channels);

    const reports = await Promise.all([one.alerting.notifier.deliver(message), two.alerting.notifier.deliver(message)]);

    for (const r of receivers) expect(r.requests).toHaveLength(1);
    const sent = reports.flatMap((report) => report.results).filter((result) => result.status === 'sent');
    expect(sent).toHaveLength(channels.length);
  });

  it('a channel that always fails: the others are delivered, the failure recorded and retried on the next delivery', async () => {
    const setup = alertingOver(table);
    const good = await receiver();
    const bad = await receiver([{ status: 500, body: 'down for maintenance' }]);
    const channels = await webhooks(setup, bad.url, good.url);
    const message = messageFor(channels);

    const error = await setup.alerting.notifier.deliver(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryIncompleteError);
    expect((error as DeliveryIncompleteError).failures.map((f) => f.channelId)).toEqual([channels[0]!.id]);
    expect(good.requests).toHaveLength(1);
    expect(bad.requests).toHaveLength(3);
    expect(setup.waits).toEqual([1_000, 2_000]);

    const failed = await setup.alerting.deliveries.get({
      projectId: 'project-1',
      noticeId: message.notice.id,
      noticeAt: message.notice.at,
      channelId: channels[0]!.id,
    });
    expect(failed).toMatchObject({ outcome: 'failed', retryable: true, attempts: 3 });
    expect(failed?.error).toBe('http_500');
    const stored = await setup.alerting.channelRepository.get('project-1', channels[0]!.id);
    expect(stored?.lastDelivery).toMatchObject({ outcome: 'failed', error: 'http_500' });

    // The next delivery of the message (Lambda's retry) tries the failed channel again, and only it.
    bad.answer([{ status: 200 }]);
    setup.clock.now = T0 + 60_000;
    const retried = await setup.alerting.notifier.deliver(message);
    expect(retried.results.map((r) => r.status).sort()).toEqual(['sent', 'skipped']);
    expect(good.requests).toHaveLength(1);
    expect(bad.requests).toHaveLength(4);
    const healed = await setup.alerting.deliveries.get({
      projectId: 'project-1',
      noticeId: message.notice.id,
      noticeAt: message.notice.at,
      channelId: channels[0]!.id,
    });
    expect(healed).toMatchObject({ outcome: 'sent', attempts: 4, firstAt: T0, at: T0 + 60_000 });
  });

  it('a 4xx is recorded as a permanent failure, not thrown and never tried again', async () => {
    const setup = alertingOver(table);
    const gone = await receiver([{ status: 410, body: 'channel_is_archived' }]);
    const channels = await webhooks(setup, gone.url);
    const message = messageFor(channels);

    const report = await setup.alerting.notifier.deliver(message);
    expect(report.results).toEqual([
      {
        channelId: channels[0]!.id,
        status: 'failed',
        permanent: true,
        attempts: 1,
        error: 'http_410',
      },
    ]);
    await setup.alerting.notifier.deliver(message);
    expect(gone.requests).toHaveLength(1);
  });

  it('a slow channel does not hold up the others', async () => {
    const setup = alertingOver(table, { httpTimeoutMs: 30_000 });
    const slow = await receiver(['hang']);
    const fast = await receiver();
    const channels = await webhooks(setup, slow.url, fast.url);
    const message = messageFor(channels);

    const delivering = setup.alerting.notifier.deliver(message);
    await slow.waitFor(1);
    await eventually(async () => {
      const record = await setup.alerting.deliveries.get({
        projectId: 'project-1',
        noticeId: message.notice.id,
        noticeAt: message.notice.at,
        channelId: channels[1]!.id,
      });
      return record?.outcome === 'sent';
    }, 'the fast channel is sent while the slow one still waits');
    expect(slow.requests).toHaveLength(1);

    slow.release();
    const report = await delivering;
    expect(report.results.map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('sends recoveries only to channels that want them, reminders to those that want down alerts', async () => {
    const setup = alertingOver(table);
    const downOnly = await receiver();
    const both = await receiver();
    const [a, b] = await webhooks(setup, downOnly.url, both.url);
    await setup.alerting.channelRepository.update({ ...a!, events: ['down'] });
    const ids = [a!.id, b!.id];
    const base = alertMessage();
    await setup.alerting.notifier.deliver(
      alertMessage(
        { event: 'up', notice: { ...base.notice, id: 'job-1:8', from: 'missing', to: 'healthy' } },
        { channelIds: ids },
      ),
    );
    await setup.alerting.notifier.deliver(
      alertMessage(
        { event: 'reminder', notice: { ...base.notice, id: 'job-1:9', kind: 'reminder', from: 'missing' } },
        { channelIds: ids },
      ),
    );
    expect(downOnly.requests.map((r) => r.headers['x-cronsentry-event'])).toEqual(['reminder']);
    expect(both.requests.map((r) => r.headers['x-cronsentry-event'])).toEqual(['up', 'reminder']);
    expect(both.json(1).subject).toBe('STILL MISSING | Database Backup');
  });

  it('takes over a claim whose notifier died mid-send, once its lease has run out', async () => {
    const setup = alertingOver(table);
    const target = await receiver();
    const channels = await webhooks(setup, target.url);
    const message = messageFor(channels);
    const key = {
      projectId: 'project-1',
      noticeId: message.notice.id,
      noticeAt: message.notice.at,
      channelId: channels[0]!.id,
    };
    await setup.alerting.deliveries.claim(
      key,
      { jobId: 'job-1', channelKind: 'webhook', event: 'down' },
      'dead',
      T0,
      90_000,
    );

    setup.clock.now = T0 + 60_000;
    expect((await setup.alerting.notifier.deliver(message)).results[0]?.status).toBe('skipped');
    setup.clock.now = T0 + 91_000;
    expect((await setup.alerting.notifier.deliver(message)).results[0]?.status).toBe('sent');
    expect(target.requests).toHaveLength(1);
    // The dead notifier, should it wake, cannot overwrite the outcome.
    expect(
      await setup.alerting.deliveries.finish(key, 'dead', { outcome: 'failed', retryable: true, attempts: 1 }, T0),
    ).toBe(false);
  });

  it('skips channels that no longer exist and sends nothing when the job has none', async () => {
    const setup = alertingOver(table);
    const report = await setup.alerting.notifier.deliver(
      alertMessage({}, { channelIds: ['00000000-0000-4000-8000-00000000dead'] }),
    );
    expect(report.results).toEqual([]);
  });

  it('lists deliveries newest first, by job and by channel, page by page', async () => {
    const setup = alertingOver(table);
    const target = await receiver();
    const channels = await webhooks(setup, target.url, target.url);
    for (let version = 1; version <= 3; version += 1) {
      const base = alertMessage();
      await setup.alerting.notifier.deliver(
        alertMessage(
          { notice: { ...base.notice, id: `job-1:${version}`, at: T0 + version * 1000 } },
          { channelIds: channels.map((c) => c.id) },
        ),
      );
    }
    const other = alertMessage({}, { id: 'job-2', channelIds: [channels[0]!.id] });
    await setup.alerting.notifier.deliver({ ...other, notice: { ...other.notice, id: 'job-2:1', jobId: 'job-2' } });

    const all = await setup.alerting.deliveries.list('project-1', {}, 50);
    expect(all.items).toHaveLength(7);
    const byJob = await setup.alerting.deliveries.list('project-1', { jobId: 'job-1', channelId: channels[1]!.id }, 2);
    expect(byJob.items.map((d) => d.noticeId)).toEqual(['job-1:3', 'job-1:2']);
    const rest = await setup.alerting.deliveries.list(
      'project-1',
      { jobId: 'job-1', channelId: channels[1]!.id },
      2,
      byJob.nextCursor ?? undefined,
    );
    expect(rest.items.map((d) => d.noticeId)).toEqual(['job-1:1']);
    expect((await setup.alerting.deliveries.list('project-2', {}, 50)).items).toEqual([]);
  });
});
