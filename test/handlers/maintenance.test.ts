import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../shared/domain/durations';
import { uniqueKeyOf } from '../../shared/domain/unique-key';
import { httpClient } from '../support/http-handlers';
import { servicesFor } from '../support/services';
import { STORES } from '../support/stores';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

async function setup(store: (typeof STORES)[number]) {
  const context = await servicesFor(store);
  let now = NOW;
  const call = httpClient(context.services, () => now);
  return { ...context, call, setNow: (ms: number) => (now = ms) };
}

describe.each(STORES)('/api/maintenance on %s', (store) => {
  it('creates, lists, reads, changes and deletes a window; read-only keys only read', async () => {
    const { call, writerKey, readerKey } = await setup(store);
    const created = await call('POST', '/api/maintenance', {
      key: writerKey,
      body: { name: 'DB upgrade', start: iso(NOW + HOUR), end: iso(NOW + 3 * HOUR), tag: 'db' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'DB upgrade',
      scope: 'tag',
      tag: 'db',
      kind: 'once',
      start: iso(NOW + HOUR),
      end: iso(NOW + 3 * HOUR),
      active: false,
      current: null,
      next: { start: iso(NOW + HOUR), end: iso(NOW + 3 * HOUR) },
    });
    const id = created.json.id as string;

    const listed = await call('GET', '/api/maintenance', { key: readerKey });
    expect(listed.status).toBe(200);
    expect(listed.json.windows.map((window: { id: string }) => window.id)).toEqual([id]);
    expect((await call('GET', `/api/maintenance/${id}`, { key: readerKey })).json.name).toBe('DB upgrade');

    const recurring = await call('PATCH', `/api/maintenance/${id}`, {
      key: writerKey,
      body: { cron: '0 2 * * *', duration: '2h', timezone: 'Europe/Berlin' },
    });
    expect(recurring.status).toBe(200);
    expect(recurring.json).toMatchObject({
      kind: 'recurring',
      start: null,
      end: null,
      cron: '0 2 * * *',
      duration: '2h',
    });
    expect(recurring.json.next).toEqual({ start: '2026-11-28T01:00:00.000Z', end: '2026-11-28T03:00:00.000Z' });

    for (const [method, body] of [
      ['POST', { name: 'x', start: iso(NOW), end: iso(NOW + HOUR) }],
      ['PATCH', { name: 'y' }],
      ['DELETE', undefined],
    ] as const) {
      const path = method === 'POST' ? '/api/maintenance' : `/api/maintenance/${id}`;
      const refused = await call(method, path, { key: readerKey, body });
      expect(refused.status, method).toBe(403);
    }
    expect((await call('DELETE', `/api/maintenance/${id}`, { key: writerKey })).status).toBe(204);
    expect((await call('GET', `/api/maintenance/${id}`, { key: writerKey })).status).toBe(404);
  });

  it('a job window shows the job id to read-write keys and only its unique key to read-only keys', async () => {
    const { call, writerKey, readerKey } = await setup(store);
    const job = await call('POST', '/api/jobs', {
      key: writerKey,
      body: { name: 'j', schedule: '@hourly', grace_time: 5 },
    });
    const jobId = job.json.id as string;
    const created = await call('POST', '/api/maintenance', {
      key: writerKey,
      body: { name: 'one job', job_id: jobId, start: iso(NOW - HOUR), end: iso(NOW + HOUR) },
    });
    expect(created.json).toMatchObject({
      scope: 'job',
      job_id: jobId,
      active: true,
      job_unique_key: uniqueKeyOf(jobId),
    });
    const read = await call('GET', `/api/maintenance/${created.json.id}`, { key: readerKey });
    expect(read.json.job_unique_key).toBe(uniqueKeyOf(jobId));
    expect(read.text).not.toContain(jobId);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no name', { start: iso(NOW), end: iso(NOW + HOUR) }, 'name'],
    ['no timing at all', { name: 'w' }, 'start'],
    ['start without end', { name: 'w', start: iso(NOW) }, 'end'],
    ['end before start', { name: 'w', start: iso(NOW), end: iso(NOW - 1) }, 'end'],
    ['end equal to start', { name: 'w', start: iso(NOW), end: iso(NOW) }, 'end'],
    ['a start that is no time', { name: 'w', start: 'tomorrow', end: iso(NOW) }, 'start'],
    ['both timings', { name: 'w', start: iso(NOW), end: iso(NOW + 1), cron: '0 2 * * *', duration: '1h' }, 'cron'],
    ['cron without duration', { name: 'w', cron: '0 2 * * *' }, 'duration'],
    ['an invalid cron', { name: 'w', cron: '61 2 * * *', duration: '1h' }, 'cron'],
    ['an unknown zone', { name: 'w', cron: '0 2 * * *', duration: '1h', timezone: 'Mars/Base' }, 'timezone'],
    ['a duration that is no duration', { name: 'w', cron: '0 2 * * *', duration: 'long' }, 'duration'],
    ['a window as long as its repeat', { name: 'w', cron: '0 * * * *', duration: '60m' }, 'duration'],
    [
      'both job and tag',
      { name: 'w', start: iso(NOW), end: iso(NOW + 1), tag: 'a', job_id: '6f1c0a2e-1b2c-4d3e-8f90-0123456789ab' },
      'tag',
    ],
    [
      'a job of nobody',
      { name: 'w', start: iso(NOW), end: iso(NOW + 1), job_id: '6f1c0a2e-1b2c-4d3e-8f90-0123456789ab' },
      'job_id',
    ],
    ['an unknown field', { name: 'w', start: iso(NOW), end: iso(NOW + 1), every: 'day' }, 'every'],
  ])('400 naming the field for %s, and nothing is stored', async (_name, body, field) => {
    const { call, writerKey } = await setup(store);
    const reply = await call('POST', '/api/maintenance', { key: writerKey, body });
    expect(reply.status).toBe(400);
    expect(reply.json.error.field).toBe(field);
    expect(reply.text).not.toContain(' at ');
    expect((await call('GET', '/api/maintenance', { key: writerKey })).json.windows).toEqual([]);
  });

  it('a window of project A is not found with the key of project B', async () => {
    const a = await setup(store);
    const created = await a.call('POST', '/api/maintenance', {
      key: a.writerKey,
      body: { name: 'a', start: iso(NOW), end: iso(NOW + HOUR) },
    });
    const other = await a.services.access.createProject('Project B', NOW);
    const key = await a.services.access.createKey({ projectId: other.id, role: 'read-write', name: 'b' }, NOW);
    expect((await a.call('GET', `/api/maintenance/${created.json.id}`, { key: key.secret })).status).toBe(404);
    expect((await a.call('DELETE', `/api/maintenance/${created.json.id}`, { key: key.secret })).status).toBe(404);
    expect((await a.call('GET', '/api/maintenance', { key: key.secret })).json.windows).toEqual([]);
  });

  it('inside a window the checker records the missing flip quietly; at the end the job still down alerts once', async () => {
    const { call, writerKey, services, bus, setNow } = await setup(store);
    const job = await call('POST', '/api/jobs', {
      key: writerKey,
      body: { name: 'nightly', schedule: '0 * * * *', grace_time: 5, tags: ['db'] },
    });
    const jobId = job.json.id as string;
    expect((await call('GET', `/api/ping/${jobId}`)).status).toBe(200); // healthy; due 13:00, missing 13:05
    const windowEnd = NOW + 2 * HOUR;
    await call('POST', '/api/maintenance', {
      key: writerKey,
      body: { name: 'db work', tag: 'db', start: iso(NOW + 30 * MINUTE), end: iso(windowEnd) },
    });
    const deadline = NOW + HOUR + 5 * MINUTE;
    setNow(deadline);
    await services.checker.sweep(deadline);
    expect(bus.messages).toEqual([]);
    const flips = await call('GET', `/api/jobs/${jobId}/flips`, { key: writerKey });
    expect(flips.json.flips[0]).toMatchObject({ to: 'missing', held_by: 'maintenance' });
    expect((await call('GET', `/api/jobs/${jobId}`, { key: writerKey })).json.status).toBe('missing');

    await services.checker.sweep(windowEnd - 1);
    expect(bus.messages).toEqual([]);
    await services.checker.sweep(windowEnd);
    expect(bus.messages.map((message) => [message.event, message.notice.to])).toEqual([['down', 'missing']]);
    await services.checker.sweep(windowEnd + 10 * MINUTE);
    expect(bus.messages).toHaveLength(1);
  });

  it('a job that fails and recovers inside a window sends nothing; the flips say the window held them', async () => {
    const { call, writerKey, services, bus, setNow } = await setup(store);
    const job = await call('POST', '/api/jobs', {
      key: writerKey,
      body: { name: 'j', schedule: '0 * * * *', grace_time: 5 },
    });
    const jobId = job.json.id as string;
    await call('GET', `/api/ping/${jobId}`);
    await call('POST', '/api/maintenance', {
      key: writerKey,
      body: { name: 'whole project', start: iso(NOW), end: iso(NOW + HOUR) },
    });
    setNow(NOW + MINUTE);
    await call('GET', `/api/ping/${jobId}/fail`);
    setNow(NOW + 2 * MINUTE);
    await call('GET', `/api/ping/${jobId}`);
    await services.checker.sweep(NOW + HOUR);
    expect(bus.messages).toEqual([]);
    const flips = (await call('GET', `/api/jobs/${jobId}/flips`, { key: writerKey })).json.flips;
    expect(flips.slice(0, 2).map((flip: { to: string; held_by: string }) => [flip.to, flip.held_by])).toEqual([
      ['healthy', 'maintenance'],
      ['failed', 'maintenance'],
    ]);
  });
});
