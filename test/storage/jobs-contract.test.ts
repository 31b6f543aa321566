import { describe, expect, it } from 'vitest';
import { parseJobCreate } from '../../shared/app/job-input';
import { MINUTE } from '../../shared/domain/durations';
import { WriteConflictError } from '../../shared/errors';
import { servicesFor, successPing } from '../support/services';
import { STORES } from '../support/stores';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const body = (over: Record<string, unknown> = {}) =>
  parseJobCreate({
    name: 'Database Backup',
    description: 'Daily database backup job',
    schedule: 'every 1m',
    grace_time: 5,
    ...over,
  });

/** One contract, both stores: everything here must hold on DynamoDB Local and on dynalite. */
describe.each(STORES)('jobs storage contract on %s', (store) => {
  it('creates a job and reads back the same state and profile', async () => {
    const { services, principal } = await servicesFor(store);
    const created = await services.jobs.create(principal, body({ tags: ['db', 'nightly'] }), T0);
    const read = await services.jobs.get(principal, created.state.id);
    expect(read.state).toEqual({ ...created.state, wakeAt: undefined });
    expect(read.profile).toEqual(created.profile);
    expect(read.state.status).toBe('new');
    expect(read.state.expectedAt).toBe(T0 + MINUTE);
  });

  it('refuses a state write based on an old version', async () => {
    const { services, principal } = await servicesFor(store);
    const { state } = await services.jobs.create(principal, body(), T0);
    await services.jobRepository.saveState({ ...state, version: state.version + 1 }, state);
    await expect(
      services.jobRepository.saveState({ ...state, version: state.version + 1 }, state),
    ).rejects.toBeInstanceOf(WriteConflictError);
  });

  it('indexes a job for the checker only while it can go missing', async () => {
    const { services, principal } = await servicesFor(store);
    const { state } = await services.jobs.create(principal, body(), T0);
    const dueAll = (now: number) => services.jobRepository.dueJobIds(now);
    expect(await dueAll(T0 + 60 * MINUTE)).toEqual([]); // new jobs never alert

    await services.pings.record(successPing(state.id), T0);
    const deadline = T0 + MINUTE + 5 * MINUTE;
    expect(await dueAll(deadline - 1)).toEqual([]);
    expect(await dueAll(deadline)).toEqual([state.id]);

    await services.jobs.pause(principal, state.id, T0 + MINUTE);
    expect(await dueAll(deadline)).toEqual([]);
  });

  it('lists jobs page by page with filters, never skipping or repeating one', async () => {
    const { services, principal } = await servicesFor(store);
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const job = await services.jobs.create(
        principal,
        body({ name: `job ${i}`, tags: i % 2 ? ['odd'] : ['even'] }),
        T0,
      );
      ids.push(job.state.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await services.jobs.list(principal, { tag: 'odd' }, 2, T0, cursor);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((job) => job.state.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual(ids.filter((_, i) => i % 2).sort());

    const named = await services.jobs.list(principal, { query: 'JOB 3' }, 50, T0);
    expect(named.items.map((job) => job.profile.name)).toEqual(['job 3']);
  });

  it('keeps ping history newest first with the output and truncates long bodies', async () => {
    const { services, principal } = await servicesFor(store);
    const { state } = await services.jobs.create(principal, body(), T0);
    const ping = { jobId: state.id, method: 'POST', sourceIp: '10.0.0.1', userAgent: 'cron' } as const;
    await services.pings.record({ ...ping, kind: 'start', runId: 'run-1', body: '' }, T0);
    await services.pings.record({ ...ping, kind: 'success', runId: 'run-1', body: 'x'.repeat(20_000) }, T0 + 1500);
    const page = await services.jobs.pings(principal, state.id, 10);
    expect(page.items.map((p) => p.kind)).toEqual(['success', 'start']);
    expect(page.items[0]).toMatchObject({
      durationMs: 1500,
      runId: 'run-1',
      bodyTruncated: true,
      sourceIp: '10.0.0.1',
    });
    expect(Buffer.byteLength(page.items[0]!.body)).toBe(10 * 1024);
  });

  it('deletes a job with its history', async () => {
    const { services, principal } = await servicesFor(store);
    const { state } = await services.jobs.create(principal, body(), T0);
    await services.pings.record(successPing(state.id), T0);
    await services.jobs.remove(principal, state.id);
    await expect(services.jobs.get(principal, state.id)).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(await services.jobRepository.getState(state.id)).toBeUndefined();
    expect((await services.history.listPings(state.id, 10)).items).toEqual([]);
  });

  it('flips a missed job once, publishes it, records it, and empties the outbox', async () => {
    const { services, principal, bus } = await servicesFor(store);
    const { state } = await services.jobs.create(principal, body(), T0);
    await services.pings.record(successPing(state.id), T0);
    const deadline = T0 + 6 * MINUTE;
    const report = await services.checker.sweep(deadline);
    expect(report).toMatchObject({ due: 1, flipped: 1, lostRaces: 0 });
    expect(bus.messages.map((m) => [m.event, m.notice.to, m.job.name])).toEqual([
      ['down', 'missing', 'Database Backup'],
    ]);
    const after = await services.jobRepository.getState(state.id);
    expect(after).toMatchObject({ status: 'missing', pending: [], wakeAt: undefined });
    expect((await services.history.listFlips(state.id, 10)).items.map((f) => `${f.from}->${f.to}`)).toEqual([
      'healthy->missing',
      'new->healthy',
    ]);
    expect(await services.checker.sweep(deadline + MINUTE)).toMatchObject({ due: 0, flipped: 0 });
  });

  it('re-publishes a notice left in the outbox by a crash, exactly once', async () => {
    const { services, principal, bus } = await servicesFor(store);
    const { state } = await services.jobs.create(principal, body(), T0);
    await services.pings.record(successPing(state.id), T0);
    bus.failNext = 1; // the winner's publish fails: the notice must stay in the outbox
    const deadline = T0 + 6 * MINUTE;
    await services.checker.sweep(deadline);
    expect(bus.messages).toHaveLength(0);
    expect((await services.jobRepository.getState(state.id))?.pending).toHaveLength(1);

    await services.checker.sweep(deadline + 1_000); // too young to re-publish: the writer may still be at it
    expect(bus.messages).toHaveLength(0);
    await services.checker.sweep(deadline + 10_000);
    await services.checker.sweep(deadline + 20_000);
    expect(bus.messages.map((m) => m.notice.to)).toEqual(['missing']);
    expect((await services.jobRepository.getState(state.id))?.pending).toEqual([]);
  });
});
