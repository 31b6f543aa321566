import { describe, expect, it } from 'vitest';
import { bodyTag, matchesIfNoneMatch } from '../../functions/http/conditional-get';
import { httpClient } from '../support/http-handlers';
import { servicesFor } from '../support/services';
import { STORES } from '../support/stores';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('If-None-Match comparison', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['W/"abc"', true],
    ['"abc"', true], // weak comparison ignores W/
    ['"other", W/"abc"', true],
    ['*', true],
    ['W/"abcd"', false],
    ['"ab"', false],
  ])('If-None-Match %j against W/"abc" → %s', (ifNoneMatch, expected) => {
    expect(matchesIfNoneMatch(ifNoneMatch, 'W/"abc"')).toBe(expected);
  });

  it('tags equal bodies alike and different bodies differently', () => {
    expect(bodyTag('{"a":1}')).toBe(bodyTag('{"a":1}'));
    expect(bodyTag('{"a":1}')).not.toBe(bodyTag('{"a":2}'));
    expect(bodyTag('{"a":1}')).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
  });
});

describe.each(STORES)('conditional GETs on %s', (store) => {
  async function setup() {
    const context = await servicesFor(store);
    const call = httpClient(context.services, () => NOW);
    const created = await call('POST', '/api/jobs', {
      key: context.writerKey,
      body: { name: 'nightly', schedule: '0 6 * * *', grace_time: 60 },
    });
    // Read-only keys address a job by its unique key, never by its id (the ping credential).
    return { ...context, call, jobId: created.json.unique_key as string };
  }

  it('answers 304 with no body to a matching tag on every GET the dashboard polls', async () => {
    const { call, readerKey, jobId } = await setup();
    for (const url of [
      '/api/jobs',
      '/api/jobs?status=new',
      '/api/jobs/summary',
      `/api/jobs/${jobId}`,
      `/api/jobs/${jobId}/pings?limit=50`,
      `/api/jobs/${jobId}/flips?limit=50`,
    ]) {
      const first = await call('GET', url, { key: readerKey });
      expect(first.status, url).toBe(200);
      const tag = first.headers.etag;
      expect(tag, url).toBe(bodyTag(first.text));

      const again = await call('GET', url, { key: readerKey, headers: { 'if-none-match': tag! } });
      expect(again.status, url).toBe(304);
      expect(again.text, url).toBe('');
      expect(again.headers.etag, url).toBe(tag);
      expect(again.headers['cache-control'], url).toBe('no-store');

      const stale = await call('GET', url, { key: readerKey, headers: { 'if-none-match': 'W/"stale"' } });
      expect(stale.status, url).toBe(200);
      expect(stale.text, url).toBe(first.text);
    }
  });

  it('answers 200 with a new tag once the answer changes', async () => {
    const { call, writerKey } = await setup();
    const before = await call('GET', '/api/jobs/summary', { key: writerKey });
    await call('POST', '/api/jobs', { key: writerKey, body: { name: 'hourly', schedule: '@hourly', grace_time: 5 } });
    const after = await call('GET', '/api/jobs/summary', {
      key: writerKey,
      headers: { 'if-none-match': before.headers.etag! },
    });
    expect(after.status).toBe(200);
    expect(after.json.total).toBe(before.json.total + 1);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('never answers 304 before authentication, nor to writes or errors', async () => {
    const { call, readerKey, writerKey, jobId } = await setup();
    const tag = (await call('GET', '/api/jobs', { key: readerKey })).headers.etag!;
    const anonymous = await call('GET', '/api/jobs', { headers: { 'if-none-match': tag } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.etag).toBeUndefined();
    const wrongKey = await call('GET', '/api/jobs', { key: 'csk_wrong', headers: { 'if-none-match': '*' } });
    expect(wrongKey.status).toBe(401);

    const missing = await call('GET', '/api/jobs/00000000-0000-4000-8000-000000000000', {
      key: readerKey,
      headers: { 'if-none-match': '*' },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.etag).toBeUndefined();

    const paused = await call('POST', `/api/jobs/${jobId}/pause`, {
      key: writerKey,
      headers: { 'if-none-match': '*' },
    });
    expect(paused.status).toBe(200);
    expect(paused.headers.etag).toBeUndefined();
  });
});
