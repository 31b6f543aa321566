import { describe, expect, it } from 'vitest';
import { servicesFor } from '../support/services';
import { httpClient } from '../support/http-handlers';
import { STORES } from '../support/stores';

/**
 * Issue 12 through the job API, on both stores: the alert rules are accepted, stored in the hot
 * item, shown back, changed and removed; bad values are 400s naming the field and change nothing;
 * and the rules act on real pings and sweeps (the second failure alerts, the first does not).
 */
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const BODY = { name: 'Backup', schedule: '0 * * * *', grace_time: 5 };

async function setup(store: (typeof STORES)[number]) {
  const context = await servicesFor(store);
  let now = NOW;
  const call = httpClient(context.services, () => now);
  return { ...context, call, setNow: (ms: number) => (now = ms) };
}

describe.each(STORES)('alert rules in the job API on %s', (store) => {
  it('defaults every rule, and shows them back', async () => {
    const { call, writerKey } = await setup(store);
    const reply = await call('POST', '/api/jobs', { key: writerKey, body: BODY });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({
      failure_threshold: 1,
      recovery_threshold: 1,
      max_runtime: null,
      min_runtime: null,
      late_alert: false,
      failure_count: 0,
      recovery_count: 0,
    });
  });

  it('stores the rules, changes them and removes the runtime bounds with null', async () => {
    const { call, writerKey } = await setup(store);
    const { json: job } = await call('POST', '/api/jobs', {
      key: writerKey,
      body: {
        ...BODY,
        failure_threshold: 3,
        recovery_threshold: 2,
        max_runtime: '2h',
        min_runtime: '30s',
        late_alert: true,
      },
    });
    const read = (await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).json;
    expect(read).toMatchObject({
      failure_threshold: 3,
      recovery_threshold: 2,
      max_runtime: 120,
      min_runtime: '30s',
      late_alert: true,
    });
    const patched = await call('PATCH', `/api/jobs/${job.id}`, {
      key: writerKey,
      body: { failure_threshold: 1, max_runtime: null, min_runtime: 1, late_alert: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      failure_threshold: 1,
      recovery_threshold: 2,
      max_runtime: null,
      min_runtime: 1,
      late_alert: false,
    });
  });

  it.each([
    { failure_threshold: 1, recovery_threshold: 100 },
    { failure_threshold: 100, recovery_threshold: 1 },
    { max_runtime: '60s', min_runtime: '59s' },
    { max_runtime: '7d', min_runtime: '1d' },
    { min_runtime: '1s' },
  ])('accepts the bounds themselves: %o', async (extra) => {
    const { call, writerKey } = await setup(store);
    expect((await call('POST', '/api/jobs', { key: writerKey, body: { ...BODY, ...extra } })).status).toBe(201);
  });

  it.each([
    ['a failure_threshold of 0', { failure_threshold: 0 }, 'failure_threshold'],
    ['a failure_threshold of 101', { failure_threshold: 101 }, 'failure_threshold'],
    ['a fractional failure_threshold', { failure_threshold: 1.5 }, 'failure_threshold'],
    ['a recovery_threshold of 0', { recovery_threshold: 0 }, 'recovery_threshold'],
    ['a recovery_threshold of 101', { recovery_threshold: 101 }, 'recovery_threshold'],
    ['a recovery_threshold as text', { recovery_threshold: '2' }, 'recovery_threshold'],
    ['a max_runtime under the minimum grace', { max_runtime: '30s' }, 'max_runtime'],
    ['a max_runtime over a week', { max_runtime: '8d' }, 'max_runtime'],
    ['a nonsense max_runtime', { max_runtime: 'long' }, 'max_runtime'],
    ['a min_runtime over a day', { min_runtime: '25h' }, 'min_runtime'],
    ['a min_runtime of zero', { min_runtime: '0s' }, 'min_runtime'],
    ['a max_runtime equal to the min_runtime', { max_runtime: '5m', min_runtime: '5m' }, 'max_runtime'],
    ['a max_runtime below the min_runtime', { max_runtime: '2m', min_runtime: '5m' }, 'max_runtime'],
    ['a late_alert that is not a boolean', { late_alert: 'yes' }, 'late_alert'],
  ])('refuses %s with a 400 naming the field, and creates nothing', async (_, extra, field) => {
    const { call, writerKey } = await setup(store);
    const reply = await call('POST', '/api/jobs', { key: writerKey, body: { ...BODY, ...extra } });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatchObject({ code: 'validation_failed', field });
    expect(reply.json.error.message).toContain(field);
    expect((await call('GET', '/api/jobs', { key: writerKey })).json.jobs).toEqual([]);
  });

  it.each([
    ['a min_runtime at the stored max_runtime', { min_runtime: '10m' }, 'min_runtime'],
    ['a max_runtime under the stored min_runtime', { max_runtime: '1m' }, 'max_runtime'],
  ])('a patch with %s is a 400 naming it, and changes nothing', async (_, patch, field) => {
    const { call, writerKey } = await setup(store);
    const { json: job } = await call('POST', '/api/jobs', {
      key: writerKey,
      body: { ...BODY, max_runtime: '10m', min_runtime: '2m' },
    });
    const reply = await call('PATCH', `/api/jobs/${job.id}`, { key: writerKey, body: patch });
    expect(reply.status).toBe(400);
    expect(reply.json.error.field).toBe(field);
    const read = (await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).json;
    expect(read).toMatchObject({ max_runtime: 10, min_runtime: 2 });
  });

  it('failure_threshold 2: the first failure is counted quietly, the second alerts', async () => {
    const { call, writerKey, bus, setNow } = await setup(store);
    const { json: job } = await call('POST', '/api/jobs', { key: writerKey, body: { ...BODY, failure_threshold: 2 } });
    await call('GET', `/api/ping/${job.id}`);
    setNow(NOW + 60_000);
    await call('GET', `/api/ping/${job.id}/fail`);
    const failing = (await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).json;
    expect(failing).toMatchObject({ status: 'failing', failure_count: 1 });
    expect(bus.messages).toEqual([]);
    setNow(NOW + 120_000);
    await call('GET', `/api/ping/${job.id}/fail`);
    expect((await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).json.status).toBe('failed');
    expect(bus.messages.map((m) => [m.event, m.notice.to])).toEqual([['down', 'failed']]);
    const flips = (await call('GET', `/api/jobs/${job.id}/flips`, { key: writerKey })).json.flips;
    expect(flips.map((f: { to: string }) => f.to)).toEqual(['failed', 'failing', 'healthy']);
  });

  it('a run under min_runtime fails with the reason in the alert', async () => {
    const { call, writerKey, bus, setNow } = await setup(store);
    const { json: job } = await call('POST', '/api/jobs', { key: writerKey, body: { ...BODY, min_runtime: '30s' } });
    await call('GET', `/api/ping/${job.id}`);
    setNow(NOW + 60_000);
    await call('GET', `/api/ping/${job.id}/start`);
    setNow(NOW + 60_300);
    await call('GET', `/api/ping/${job.id}`);
    expect(bus.messages.map((m) => m.notice.reason)).toEqual(['finished in 0.3 s, expected at least 30 s']);
  });

  it('max_runtime: the checker flips a run still going at start + max_runtime to overrunning', async () => {
    const { call, writerKey, bus, setNow, services } = await setup(store);
    const { json: job } = await call('POST', '/api/jobs', { key: writerKey, body: { ...BODY, max_runtime: '2m' } });
    await call('GET', `/api/ping/${job.id}`);
    setNow(NOW + 60_000);
    await call('GET', `/api/ping/${job.id}/start`);
    // The index wakes the checker for the run, not only for the hourly deadline.
    expect(await services.checker.nextLook(NOW)).toBeLessThanOrEqual(NOW + 60_000 + 120_000);
    await services.checker.sweep(NOW + 60_000 + 120_000 - 1);
    expect(bus.messages).toEqual([]);
    await services.checker.sweep(NOW + 60_000 + 120_000);
    expect(bus.messages.map((m) => [m.event, m.notice.to])).toEqual([['down', 'overrunning']]);
    const read = (await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).json;
    expect(read).toMatchObject({ status: 'overrunning', run_in_progress: true });
  });
});
