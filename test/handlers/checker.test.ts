import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildCheckerHandler } from '../../functions/checker/handler';
import { MINUTE, SECOND } from '../../shared/domain/durations';
import type { Services } from '../../shared/wiring/services';
import { asFunction } from '../support/aws-calls';
import { servicesFor, successPing } from '../support/services';
import { STORES } from '../support/stores';
import { parseJobCreate } from '../../shared/app/job-input';

const T0 = Date.UTC(2026, 6, 1, 0, 0, 0);
const WINDOW = 60 * SECOND;
const SWEEP_EVERY = 10 * SECOND;

/** A virtual clock: sleeping advances it, so an invocation's minute passes in milliseconds. */
function virtualTime(start: number) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
    set: (ms: number) => (now = ms),
  };
}

/** The checker Lambda as EventBridge invokes it, over the virtual clock. */
function invocationOver(services: Services, time: ReturnType<typeof virtualTime>) {
  const handler = buildCheckerHandler({
    checker: services.checker,
    ...time,
    windowMs: WINDOW,
    sweepEveryMs: SWEEP_EVERY,
  });
  return (scheduled: ScheduledEvent) => asFunction('checker', () => handler(scheduled));
}

const event = { 'detail-type': 'Scheduled Event', source: 'aws.events' } as ScheduledEvent;

describe.each(STORES)('checker invocation on %s', (store) => {
  it('returns at once, without sleeping, when nothing can fall due this minute', async () => {
    const { services, principal } = await servicesFor(store);
    const time = virtualTime(T0);
    const handler = invocationOver(services, time);
    expect(await handler(event)).toEqual({ sweeps: 0 });

    // A healthy job whose deadline lies beyond this invocation changes nothing.
    const { state } = await services.jobs.create(
      principal,
      parseJobCreate({ name: 'hourly', schedule: '@hourly', grace_time: 5 }),
      T0,
    );
    await services.pings.record(successPing(state.id), T0);
    expect(await handler(event)).toEqual({ sweeps: 0 });
    expect(time.sleeps).toEqual([]);
  });

  it('wakes exactly at a deadline inside the minute and flips the job then', async () => {
    const { services, principal } = await servicesFor(store);
    const { state } = await services.jobs.create(
      principal,
      parseJobCreate({ name: 'minutely', schedule: 'every 1m', grace_time: 1 }),
      T0,
    );
    const lastPing = T0 - 2 * MINUTE + 25 * SECOND; // deadline = lastPing + 2 min = T0 + 25 s
    await services.pings.record(successPing(state.id), lastPing);
    const time = virtualTime(T0);
    const handler = invocationOver(services, time);

    const result = await handler(event);
    const flips = (await services.history.listFlips(state.id, 5)).items;
    expect(flips[0]).toMatchObject({ to: 'missing', at: T0 + 25 * SECOND });
    // Slept in steps of at most the sweep interval up to the deadline, then nothing was left to do.
    expect(time.sleeps).toEqual([10 * SECOND, 10 * SECOND, 5 * SECOND]);
    expect(result.sweeps).toBe(3);
  });

  it('never sleeps past the window', async () => {
    const { services, principal } = await servicesFor(store);
    const { state } = await services.jobs.create(
      principal,
      parseJobCreate({ name: 'minutely', schedule: 'every 1m', grace_time: 1 }),
      T0,
    );
    await services.pings.record(successPing(state.id), T0 - MINUTE - 30 * SECOND);
    const time = virtualTime(T0);
    const handler = invocationOver(services, time);
    await handler(event);
    expect(time.clock() - T0).toBeLessThanOrEqual(WINDOW);
    expect((await services.jobRepository.getState(state.id))?.status).toBe('missing');
  });
});
