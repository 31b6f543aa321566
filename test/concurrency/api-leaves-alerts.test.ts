/**
 * On AWS the api function has no bus: its role may not publish to the alerts topic (the topic is
 * denied to it explicitly). A notice an api request meets in a job's outbox stays there, in order,
 * and the checker publishes it on its next sweep.
 */
import { describe, expect, it } from 'vitest';
import { createServices } from '../../shared/wiring/services';
import { MINUTE, SECOND } from '../../shared/domain/durations';
import { servicesFor, silentLogger, successPing } from '../support/services';
import { parseJobCreate } from '../../shared/app/job-input';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);

describe('an api without an alert bus', () => {
  it('leaves a pending alert and what follows it to the checker, which publishes them in order', async () => {
    const { services, documents, settings, principal, bus } = await servicesFor('DynamoDB Local');
    const api = createServices({ documents, settings, logger: silentLogger }); // no bus, as on AWS
    const { state } = await services.jobs.create(
      principal,
      parseJobCreate({ name: 'nightly', schedule: 'every 1m', grace_time: 1 }),
      T0,
    );
    await services.pings.record(successPing(state.id), T0);

    // The checker flips the job to missing, but its publish fails: the notice stays in the outbox.
    bus.failNext = 1;
    const deadline = T0 + 2 * MINUTE;
    await services.checker.sweep(deadline);
    expect(bus.messages).toEqual([]);

    // A user pauses the job through the api: the pause is recorded, the missing alert is not sent by it.
    const paused = await api.jobs.pause(principal, state.id, deadline + SECOND);
    expect(paused.state.status).toBe('paused');
    const waiting = await services.jobRepository.getState(state.id);
    expect(waiting?.pending.map((notice) => notice.to)).toEqual(['missing', 'paused']);
    expect(bus.messages).toEqual([]);

    // The next sweep publishes the missing alert; the pause is history only.
    await services.checker.sweep(deadline + MINUTE);
    expect(bus.messages.map((message) => `${message.event}:${message.notice.to}`)).toEqual(['down:missing']);
    expect((await services.jobRepository.getState(state.id))?.pending).toEqual([]);
    const flips = (await services.history.listFlips(state.id, 10)).items.map((flip) => flip.to).reverse();
    expect(flips).toEqual(['healthy', 'missing', 'paused']);
  });
});
