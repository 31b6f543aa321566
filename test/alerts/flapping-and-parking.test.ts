import { describe, expect, it, vi } from 'vitest';
import { PublishRefused, type AlertMessage } from '../../shared/app/alert-bus';
import { ALERTS_TOPIC_CHANNEL, NOTICE_PARKED_ALARM } from '../../shared/app/dead-letters';
import { PARK_AFTER } from '../../shared/app/outbox';
import { MINUTE, SECOND } from '../../shared/domain/durations';
import { FLAP_POLICY } from '../../shared/domain/flapping';
import { servicesFor, silentLogger } from '../support/services';
import { STORES } from '../support/stores';
import { parseJobCreate } from '../../shared/app/job-input';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

const ping = (jobId: string, kind: 'success' | 'fail') => ({
  jobId,
  kind,
  method: 'GET',
  sourceIp: '198.51.100.7',
  userAgent: 'curl/8',
  body: '',
});

describe.each(STORES)('alerts that can neither flood nor get stuck, on %s', (store) => {
  it('100 alternating /fail and success pings: every change applies, 6 alerts, then one summary when it settles', async () => {
    const { services, principal, bus } = await servicesFor(store, { MAX_PINGS_PER_MINUTE: '30' });
    const { state } = await services.jobs.create(
      principal,
      parseJobCreate({ name: 'flappy', schedule: 'every 1m', grace_time: 30 }),
      T0,
    );
    let now = T0;
    for (let i = 0; i < 100; i += 1) {
      now += 50;
      await services.pings.record(ping(state.id, i % 2 === 0 ? 'fail' : 'success'), now);
    }
    const flips = await services.history.listFlips(state.id, 200);
    expect(flips.items.length).toBe(100); // first success (new → healthy) was never sent: 100 fail/success flips
    expect((await services.jobRepository.getState(state.id))?.status).toBe('healthy');
    expect(bus.messages.map((message) => message.event)).toEqual(['down', 'up', 'down', 'up', 'down', 'flapping']);

    // The checker wakes when the job has kept its status long enough and sends the summary.
    const settleAt = now + FLAP_POLICY.settleMs;
    expect(await services.checker.nextLook()).toBeLessThanOrEqual(settleAt);
    await services.checker.sweep(settleAt - SECOND);
    expect(bus.messages).toHaveLength(6);
    await services.checker.sweep(settleAt);
    expect(bus.messages).toHaveLength(7);
    const summary = bus.messages[6] as AlertMessage;
    expect(summary).toMatchObject({ event: 'settled', notice: { kind: 'settled', to: 'healthy', suppressed: 94 } });
  }, 120_000);

  it('a notice the alerts topic keeps refusing is parked after a few tries, and the next one flows', async () => {
    const { services, principal, bus } = await servicesFor(store);
    const errors = vi.spyOn(silentLogger, 'error');
    const { state } = await services.jobs.create(
      principal,
      parseJobCreate({ name: 'stuck', schedule: 'every 1m', grace_time: 1 }),
      T0,
    );
    await services.pings.record(ping(state.id, 'success'), T0);

    const refusing = bus.publish.bind(bus);
    let refuse = true;
    bus.publish = async (message) => {
      if (refuse && message.event === 'down') throw new PublishRefused('SNS refused the message: InvalidParameter');
      return refusing(message);
    };
    await services.pings.record(ping(state.id, 'fail'), T0 + SECOND); // the first try, by the ping
    let now = T0 + SECOND;
    for (let sweep = 1; sweep < PARK_AFTER.refusals; sweep += 1) {
      now += 10 * SECOND;
      await services.checker.sweep(now);
    }
    const parked = await services.jobRepository.getState(state.id);
    expect(parked?.pending).toEqual([]);
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('parked'),
      expect.objectContaining({ alarm: NOTICE_PARKED_ALARM, jobId: state.id }),
    );
    errors.mockRestore();
    const deliveries = await services.alerts.deliveries.list(principal.projectId, { jobId: state.id }, 10);
    expect(deliveries.items).toEqual([
      expect.objectContaining({
        channelId: ALERTS_TOPIC_CHANNEL,
        outcome: 'failed',
        retryable: false,
        attempts: PARK_AFTER.refusals,
        error: 'publish_failed: PublishRefused',
      }),
    ]);

    // The recovery is no longer queued behind it.
    refuse = false;
    await services.pings.record(ping(state.id, 'success'), now + MINUTE);
    expect(bus.messages.map((message) => message.event)).toEqual(['up']);
  });

  it('a transient failure is retried, not parked, while the notice is young', async () => {
    const { services, principal, bus } = await servicesFor(store);
    const { state } = await services.jobs.create(
      principal,
      parseJobCreate({ name: 'patient', schedule: 'every 1m', grace_time: 1 }),
      T0,
    );
    await services.pings.record(ping(state.id, 'success'), T0);
    bus.failNext = PARK_AFTER.failures + 5;
    await services.pings.record(ping(state.id, 'fail'), T0 + SECOND);
    for (let sweep = 0; sweep < PARK_AFTER.failures + 2; sweep += 1)
      await services.checker.sweep(T0 + (sweep + 2) * SECOND);
    expect((await services.jobRepository.getState(state.id))?.pending).toHaveLength(1);
    bus.failNext = 0;
    await services.checker.sweep(T0 + MINUTE);
    expect(bus.messages.map((message) => message.event)).toEqual(['down']);
  });
});
