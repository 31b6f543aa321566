import { describe, expect, it } from 'vitest';
import { servicesFor } from '../support/services';
import { httpClient } from '../support/http-handlers';
import { STORES } from '../support/stores';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const SEED_BODY = {
  name: 'Database Backup',
  description: 'Daily database backup job',
  schedule: '0 0 * * *',
  grace_time: 15,
};

async function setup(store: (typeof STORES)[number]) {
  const context = await servicesFor(store);
  let now = NOW;
  const call = httpClient(context.services, () => now);
  return { ...context, call, setNow: (ms: number) => (now = ms) };
}

describe.each(STORES)('management API on %s', (store) => {
  it('registers a job with exactly the body people already use', async () => {
    const { call, writerKey } = await setup(store);
    const reply = await call('POST', '/api/jobs', { key: writerKey, body: SEED_BODY });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({
      name: 'Database Backup',
      description: 'Daily database backup job',
      schedule: '0 0 * * *',
      timezone: 'UTC',
      grace_time: 15,
      grace_seconds: 900,
      status: 'new',
      next_expected_at: '2026-11-28T00:00:00.000Z',
      schedule_description: 'At 00:00 (UTC)',
    });
    expect(reply.json.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.json.ping_url).toBe(`https://cronsentry.example/api/ping/${reply.json.id}`);
  });

  it('accepts time zones, macros, intervals, duration graces and tags', async () => {
    const { call, writerKey } = await setup(store);
    const reply = await call('POST', '/api/jobs', {
      key: writerKey,
      body: { name: 'b', schedule: '30 2 * * *', timezone: 'Europe/Berlin', grace_time: '90s', tags: ['db', 'prod'] },
    });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({ timezone: 'Europe/Berlin', grace_time: '90s', tags: ['db', 'prod'] });
    expect(reply.json.next_expected_at).toBe('2026-11-28T01:30:00.000Z'); // 02:30 CET
    for (const schedule of [
      '@hourly',
      '@daily',
      '@weekly',
      '@monthly',
      '@yearly',
      'every 30m',
      'every 2h',
      'every 1d',
    ]) {
      const ok = await call('POST', '/api/jobs', { key: writerKey, body: { name: schedule, schedule, grace_time: 5 } });
      expect(ok.status, schedule).toBe(201);
    }
  });

  it.each([
    ['malformed JSON', '{"name": ', 'body'],
    ['a name of the wrong type', JSON.stringify({ ...SEED_BODY, name: 42 }), 'name'],
    ['an empty name', JSON.stringify({ ...SEED_BODY, name: '  ' }), 'name'],
    ['an over-long name', JSON.stringify({ ...SEED_BODY, name: 'x'.repeat(101) }), 'name'],
    ['an invalid cron', JSON.stringify({ ...SEED_BODY, schedule: '61 * * * *' }), 'schedule'],
    ['a six-field cron', JSON.stringify({ ...SEED_BODY, schedule: '0 0 0 * * *' }), 'schedule'],
    ['an unknown macro', JSON.stringify({ ...SEED_BODY, schedule: '@sometimes' }), 'schedule'],
    ['an interval below the minimum', JSON.stringify({ ...SEED_BODY, schedule: 'every 30s' }), 'schedule'],
    ['an unknown time zone', JSON.stringify({ ...SEED_BODY, timezone: 'Mars/Olympus' }), 'timezone'],
    ['a grace below the minimum', JSON.stringify({ ...SEED_BODY, grace_time: '30s' }), 'grace_time'],
    ['a negative grace', JSON.stringify({ ...SEED_BODY, grace_time: -5 }), 'grace_time'],
    ['a grace of the wrong type', JSON.stringify({ ...SEED_BODY, grace_time: true }), 'grace_time'],
    ['a nonsense grace string', JSON.stringify({ ...SEED_BODY, grace_time: 'soon' }), 'grace_time'],
    ['tags that are not a list', JSON.stringify({ ...SEED_BODY, tags: 'db' }), 'tags'],
    ['a bad tag', JSON.stringify({ ...SEED_BODY, tags: ['ok', ' '] }), 'tags.1'],
    ['an unknown field', JSON.stringify({ ...SEED_BODY, colour: 'red' }), 'colour'],
    ['a missing schedule', JSON.stringify({ name: 'x', grace_time: 5 }), 'schedule'],
    [
      'an unknown channel',
      JSON.stringify({ ...SEED_BODY, channels: ['8c9f0e4e-1d3b-4e55-9c1a-0a0b0c0d0e0f'] }),
      'channels.0',
    ],
  ])('rejects %s with a 400 naming the field, and changes nothing', async (_, raw, field) => {
    const { call, writerKey } = await setup(store);
    const reply = await call('POST', '/api/jobs', { key: writerKey, rawBody: raw });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatchObject({ code: 'validation_failed', field });
    expect(reply.json.error.message).toContain(field);
    expect(reply.text).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const list = await call('GET', '/api/jobs', { key: writerKey });
    expect(list.json.jobs).toEqual([]);
  });

  it('reads, updates, pauses, resumes and deletes a job', async () => {
    const { call, writerKey } = await setup(store);
    const { json: job } = await call('POST', '/api/jobs', { key: writerKey, body: SEED_BODY });
    expect((await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).json.name).toBe('Database Backup');

    const patched = await call('PATCH', `/api/jobs/${job.id}`, {
      key: writerKey,
      body: { name: 'Nightly backup', timezone: 'America/New_York', grace_time: '2h', tags: ['db'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      name: 'Nightly backup',
      timezone: 'America/New_York',
      grace_time: 120,
      tags: ['db'],
    });
    expect(patched.json.next_expected_at).toBe('2026-11-28T05:00:00.000Z'); // midnight in New York

    const badPatch = await call('PATCH', `/api/jobs/${job.id}`, { key: writerKey, body: { schedule: 'nope' } });
    expect(badPatch.status).toBe(400);
    expect((await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).json.schedule).toBe('0 0 * * *');
    expect((await call('PATCH', `/api/jobs/${job.id}`, { key: writerKey, body: {} })).status).toBe(400);

    expect((await call('POST', `/api/jobs/${job.id}/pause`, { key: writerKey })).json.status).toBe('paused');
    expect((await call('POST', `/api/jobs/${job.id}/resume`, { key: writerKey })).json.status).toBe('new');
    const flips = await call('GET', `/api/jobs/${job.id}/flips`, { key: writerKey });
    expect(flips.json.flips.map((f: { to: string }) => f.to)).toEqual(['new', 'paused']);

    expect((await call('DELETE', `/api/jobs/${job.id}`, { key: writerKey })).status).toBe(204);
    expect((await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).status).toBe(404);
  });

  it('filters the list by status and tag and pages through it', async () => {
    const { call, writerKey } = await setup(store);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { json } = await call('POST', '/api/jobs', {
        key: writerKey,
        body: { ...SEED_BODY, name: `job ${i}`, tags: i < 3 ? ['a'] : ['b'] },
      });
      ids.push(json.id);
    }
    await call('GET', `/api/ping/${ids[0]}`);
    const healthy = await call('GET', '/api/jobs?status=healthy', { key: writerKey });
    expect(healthy.json.jobs.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
    const page1 = await call('GET', '/api/jobs?tag=a&limit=2', { key: writerKey });
    expect(page1.json.jobs).toHaveLength(2);
    const page2 = await call('GET', `/api/jobs?tag=a&limit=2&cursor=${page1.json.next_cursor}`, { key: writerKey });
    expect(page2.json.jobs).toHaveLength(1);
    expect(page2.json.next_cursor).toBeNull();
    const summary = await call('GET', '/api/jobs/summary', { key: writerKey });
    expect(summary.json).toMatchObject({ total: 5, tags: ['a', 'b'], counts: { healthy: 1, new: 4 } });
    for (const bad of [
      'status=sleepy',
      'status=',
      `tag=${'t'.repeat(41)}`,
      `q=${'q'.repeat(101)}`,
      'limit=0',
      'limit=abc',
      'limit=201',
      'cursor=%7B%7D',
      'cursor=eyJwayI6IlBST0pFQ1QjeCIsInNrIjoiSk9CI3kifQ',
    ]) {
      const reply = await call('GET', `/api/jobs?${bad}`, { key: writerKey });
      expect(reply.status, bad).toBe(400);
      expect(reply.json.error.field).toBe(bad.split('=')[0]);
    }
  });

  it('previews a schedule in words with the next five times', async () => {
    const { call, writerKey } = await setup(store);
    const reply = await call('POST', '/api/schedule/preview', {
      key: writerKey,
      body: { schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
    });
    expect(reply.status).toBe(200);
    expect(reply.json.schedule_description).toContain('Europe/Berlin');
    expect(reply.json.next).toEqual([
      '2026-11-30T08:00:00.000Z',
      '2026-12-01T08:00:00.000Z',
      '2026-12-02T08:00:00.000Z',
      '2026-12-03T08:00:00.000Z',
      '2026-12-04T08:00:00.000Z',
    ]);
    expect(
      (await call('POST', '/api/schedule/preview', { key: writerKey, body: { schedule: '* * *' } })).json.error.field,
    ).toBe('schedule');
  });

  it('demands a key, and a read-only key can read but change nothing', async () => {
    const { call, writerKey, readerKey } = await setup(store);
    const { json: job } = await call('POST', '/api/jobs', { key: writerKey, body: SEED_BODY });
    expect((await call('GET', '/api/jobs')).status).toBe(401);
    expect((await call('GET', '/api/jobs', { key: 'csk_' + 'A'.repeat(43) })).status).toBe(401);
    expect((await call('GET', '/api/jobs', { headers: { 'x-api-key': writerKey } })).status).toBe(200);

    // Read-only keys name jobs by unique key: the id is the ping credential, and opens nothing for them.
    expect((await call('GET', `/api/jobs/${job.id}`, { key: readerKey })).status).toBe(404);
    const read = await call('GET', `/api/jobs/${job.unique_key}`, { key: readerKey });
    expect(read.status).toBe(200);
    expect(read.json.ping_url).toBeUndefined();
    expect(read.json.id).toBeUndefined();
    expect((await call('POST', '/api/jobs', { key: readerKey, body: SEED_BODY })).status).toBe(403);
    expect((await call('DELETE', `/api/jobs/${job.id}`, { key: readerKey })).status).toBe(403);
    expect((await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).status).toBe(200);
  });
});

describe.each(STORES)('ping API on %s', (store) => {
  it('answers OK to every ping form and records each', async () => {
    const { call, writerKey, setNow } = await setup(store);
    const { json: job } = await call('POST', '/api/jobs', { key: writerKey, body: SEED_BODY });
    const get = await call('GET', `/api/ping/${job.id}`);
    expect([get.status, get.text]).toEqual([200, 'OK']);
    expect((await call('HEAD', `/api/ping/${job.id}`)).text).toBe('');
    setNow(NOW + 1_000);
    expect((await call('POST', `/api/ping/${job.id}/start?rid=3f1c`, { rawBody: '' })).status).toBe(200);
    setNow(NOW + 4_000);
    expect((await call('POST', `/api/ping/${job.id}/0?rid=3f1c`, { rawBody: 'all done' })).status).toBe(200);
    setNow(NOW + 5_000);
    expect((await call('GET', `/api/ping/${job.id}/log`)).status).toBe(200);

    const pings = await call('GET', `/api/jobs/${job.id}/pings`, { key: writerKey });
    expect(pings.json.pings.map((p: { kind: string }) => p.kind)).toEqual([
      'log',
      'success',
      'start',
      'success',
      'success',
    ]);
    expect(pings.json.pings[1]).toMatchObject({
      exit_code: 0,
      duration_ms: 3000,
      run_id: '3f1c',
      body: 'all done',
      source_ip: '203.0.113.7',
    });

    setNow(NOW + 6_000);
    await call('GET', `/api/ping/${job.id}/fail`);
    expect((await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).json.status).toBe('failed');
    setNow(NOW + 7_000);
    await call('GET', `/api/ping/${job.id}/42`);
    const failed = (await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).json;
    expect(failed).toMatchObject({ status: 'failed', last_exit_code: 42 });
    setNow(NOW + 8_000);
    await call('POST', `/api/ping/${job.id}`);
    expect((await call('GET', `/api/jobs/${job.id}`, { key: writerKey })).json.status).toBe('healthy');
  });

  it('answers unknown and malformed ids alike, learning nothing', async () => {
    const { call } = await setup(store);
    const replies = await Promise.all(
      [
        '/api/ping/8c9f0e4e-1d3b-4e55-9c1a-0a0b0c0d0e0f',
        '/api/ping/not-a-uuid',
        '/api/ping/8c9f0e4e-1d3b-4e55-9c1a-0a0b0c0d0e0f/256',
        '/api/ping/8c9f0e4e-1d3b-4e55-9c1a-0a0b0c0d0e0f/explode',
        '/api/ping/../jobs',
      ].map((url) => call('GET', url)),
    );
    for (const reply of replies) expect([reply.status, reply.text]).toEqual([404, replies[0]!.text]);
  });

  it('keeps at most 10 KB of output and never rejects a long body', async () => {
    const { call, writerKey } = await setup(store);
    const { json: job } = await call('POST', '/api/jobs', { key: writerKey, body: SEED_BODY });
    expect((await call('POST', `/api/ping/${job.id}`, { rawBody: 'é'.repeat(20_000) })).status).toBe(200);
    const [ping] = (await call('GET', `/api/jobs/${job.id}/pings`, { key: writerKey })).json.pings;
    expect(ping.body_truncated).toBe(true);
    expect(Buffer.byteLength(ping.body)).toBeLessThanOrEqual(10 * 1024);
    expect(ping.body).not.toContain('\uFFFD');
  });
});
