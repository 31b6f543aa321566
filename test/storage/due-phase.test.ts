import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildCheckerHandler } from '../../functions/checker/handler';
import { Checker } from '../../shared/app/checker';
import { parseJobCreate } from '../../shared/app/job-input';
import type { JobStore } from '../../shared/app/ports/job-store';
import { DAY, HOUR, MINUTE, SECOND } from '../../shared/domain/durations';
import { keys } from '../../shared/storage/keys';
import { servicesFor, silentLogger, successPing } from '../support/services';
import { STORES } from '../support/stores';

/**
 * Phase keys in the due index (issue 14, §2) on both local stores: an on-time ping of an hourly or
 * daily job leaves its index key where it is; the checker still flips a miss at its deadline, after
 * an outage, and after losing a race to a write that left the key behind it.
 */

const T0 = Date.UTC(2026, 6, 1, 10, 0, 0);
const hourly = parseJobCreate({ name: 'hourly', schedule: '0 * * * *', grace_time: 5 });
const event = { 'detail-type': 'Scheduled Event', source: 'aws.events' } as ScheduledEvent;

/** Fixture: an hourly job pinged at 10:00:30 and 11:00:40, so its next deadline is 12:05 and its key a phase key. */
async function hourlyJobOn(store: (typeof STORES)[number]) {
  const fixture = await servicesFor(store);
  const { state } = await fixture.services.jobs.create(fixture.principal, hourly, T0 - MINUTE);
  await fixture.services.pings.record(successPing(state.id), T0 + 30 * SECOND);
  await fixture.services.pings.record(successPing(state.id), T0 + HOUR + 40 * SECOND);
  const rawItem = async () =>
    (
      await fixture.documents.send(
        new GetCommand({ TableName: fixture.tableName, Key: keys.jobState(state.id), ConsistentRead: true }),
      )
    ).Item!;
  return { ...fixture, jobId: state.id, rawItem, deadline: T0 + 2 * HOUR + 5 * MINUTE };
}

/** A virtual clock for one checker invocation: sleeping advances it. */
function invocationAt(services: Awaited<ReturnType<typeof servicesFor>>['services'], start: number) {
  let now = start;
  const handler = buildCheckerHandler({
    checker: services.checker,
    clock: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    windowMs: MINUTE,
    sweepEveryMs: 10 * SECOND,
  });
  return () => handler(event);
}

describe.each(STORES)('due index phase keys on %s', (store) => {
  it('an on-time ping of an hourly job leaves its index key where it is; the state reads back its real deadline', async () => {
    const { services, jobId, rawItem, deadline } = await hourlyJobOn(store);
    const before = await rawItem();
    expect(before).toMatchObject({ dueShard: expect.stringMatching(/^P3600#\d$/), dueAt: 5 * MINUTE });
    await services.pings.record(successPing(jobId), T0 + 2 * HOUR + 90 * SECOND);
    const after = await rawItem();
    expect([after.dueShard, after.dueAt]).toEqual([before.dueShard, before.dueAt]);
    const state = await services.jobRepository.getState(jobId);
    expect(state?.wakeAt).toBe(deadline + HOUR);
    expect(state?.wakePhase).toEqual({ periodMs: HOUR, version: state!.version });
  });

  it('a daily job (0 3 * * * in Europe/Berlin) is keyed by 01:05 UTC in summer', async () => {
    const { services, principal, documents, tableName } = await servicesFor(store);
    const day = Date.UTC(2026, 6, 1, 1, 0, 0); // 03:00 CEST
    const { state } = await services.jobs.create(
      principal,
      parseJobCreate({ name: 'daily', schedule: '0 3 * * *', timezone: 'Europe/Berlin', grace_time: 5 }),
      day - HOUR,
    );
    await services.pings.record(successPing(state.id), day + 20 * SECOND);
    await services.pings.record(successPing(state.id), day + DAY + 20 * SECOND);
    const item = (await documents.send(new GetCommand({ TableName: tableName, Key: keys.jobState(state.id) }))).Item;
    expect(item).toMatchObject({ dueShard: expect.stringMatching(/^P86400#\d$/), dueAt: HOUR + 5 * MINUTE });
  });

  it('the checker visits the phase as the clock passes it and flips a missed run at its deadline', async () => {
    const { services, jobId, deadline } = await hourlyJobOn(store);
    // An invocation that starts at 11:30 with its last visit then finds nothing before its end.
    await services.checker.sweep(T0 + HOUR + 30 * MINUTE);
    expect(await invocationAt(services, T0 + HOUR + 31 * MINUTE)()).toEqual({ sweeps: 0 });
    // The 12:00 run never pings: the invocation starting at 12:04:30 sleeps until 12:05 and flips it then.
    await invocationAt(services, deadline - 30 * SECOND)();
    const flips = (await services.history.listFlips(jobId, 5)).items;
    expect(flips[0]).toMatchObject({ from: 'healthy', to: 'missing', at: deadline });
  });

  it('a job pinged on time is read once when its phase passes and left alone', async () => {
    const { services, jobId, deadline } = await hourlyJobOn(store);
    await services.checker.sweep(deadline - HOUR - MINUTE);
    const report = await services.checker.sweep(deadline - HOUR + SECOND); // 11:05:01: this hour's phase
    expect(report).toMatchObject({ due: 1, flipped: 0, rearmed: 0 });
    expect(await services.checker.sweep(deadline - HOUR + 30 * SECOND)).toMatchObject({ due: 0 });
    expect((await services.jobRepository.getState(jobId))?.status).toBe('healthy');
  });

  it('after an outage of the checker, the phases it missed are still visited', async () => {
    const { services, jobId, deadline } = await hourlyJobOn(store);
    await services.checker.sweep(deadline - 20 * MINUTE); // last sweep before the outage: 11:45
    // Nothing ran from 11:45 to 13:30; the 12:00 and 13:00 runs never pinged.
    const report = await services.checker.sweep(deadline + HOUR + 25 * MINUTE);
    expect(report).toMatchObject({ flipped: 1 });
    expect((await services.history.listFlips(jobId, 5)).items[0]).toMatchObject({ to: 'missing' });
  });

  it('a lost race against a write that left the phase key behind the sweep is visited again', async () => {
    const { services, jobId, deadline } = await hourlyJobOn(store);
    await services.checker.sweep(deadline - MINUTE);
    // Between this checker's read and its write, someone bumps only the version (as the outbox's
    // lease does): the conditional write fails, and the index key stays at 12:05.
    const repository = services.jobRepository;
    const racing: JobStore = Object.create(repository, {
      saveState: {
        value: async (...[state, expected, options]: Parameters<JobStore['saveState']>) => {
          await repository.releasePublishLease(state.id);
          return repository.saveState(state, expected, options);
        },
      },
    });
    const loser = new Checker(racing, services.outbox, silentLogger);
    expect(await loser.sweep(deadline)).toMatchObject({ lostRaces: 1, flipped: 0 });
    // The next sweep's window starts before 12:05 again, so it flips the job.
    expect(await services.checker.sweep(deadline + 5 * SECOND)).toMatchObject({ flipped: 1 });
    expect((await services.jobRepository.getState(jobId))?.status).toBe('missing');
  });
});
