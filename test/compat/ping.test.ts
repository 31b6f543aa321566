import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useSandbox } from './support';

/**
 * Healthchecks' ping protocol under `/ping/…`, over HTTP against the sandbox. The cases and the
 * expected answers are those of Healthchecks' own tests (hc/api/tests/test_ping.py,
 * test_ping_by_slug.py) and docs (templates/docs/http_api.md).
 */
describe('Healthchecks ping protocol (/ping/…)', () => {
  const sandbox = useSandbox();
  let pingKey = '';

  const newJob = async (name = `job ${randomUUID().slice(0, 8)}`) => {
    const created = await sandbox.api('POST', '/api/jobs', { name, schedule: '0 3 * * *', grace_time: 60 });
    expect(created.status).toBe(201);
    return created.json as { id: string; name: string };
  };
  const jobOf = async (id: string) => (await sandbox.api('GET', `/api/jobs/${id}`)).json;
  const pingsOf = async (id: string) =>
    (await sandbox.api('GET', `/api/jobs/${id}/pings`)).json.pings as Record<string, unknown>[];

  beforeAll(async () => {
    const project = await sandbox.api('GET', '/api/project');
    pingKey = (project.json.ping_key as string | null) ?? '';
    if (!pingKey) pingKey = (await sandbox.api('POST', '/api/project/ping-key')).json.ping_key as string;
    await sandbox.api('PATCH', '/api/project', { create_on_ping: true });
  });

  it('test_it_works: 200 OK, CORS for browsers, the body limit, never cached', async () => {
    const job = await newJob();
    const answer = await sandbox.request('GET', `/ping/${job.id}`);
    expect([answer.status, answer.text]).toEqual([200, 'OK']);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('ping-body-limit')).toBe('10240');
    expect(answer.headers.get('cache-control')).toContain('no-cache');
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await jobOf(job.id)).status).toBe('healthy');
  });

  it('test_post_works / test_head_works, and a trailing slash', async () => {
    const job = await newJob();
    const post = await sandbox.request('POST', `/ping/${job.id}`, {
      body: 'hello world',
      headers: { 'content-type': 'text/plain' },
    });
    expect([post.status, post.text]).toEqual([200, 'OK']);
    expect((await sandbox.request('HEAD', `/ping/${job.id}`)).status).toBe(200);
    expect((await sandbox.request('GET', `/ping/${job.id}/`)).status).toBe(200);
    const pings = await pingsOf(job.id);
    expect(pings).toHaveLength(3);
    expect(pings.find((ping) => ping.method === 'POST')).toMatchObject({ body: 'hello world' });
  });

  it('test_it_handles_bad_uuid / alternative uuid formats / missing check: 404 "not found", never the dashboard', async () => {
    for (const path of [
      '/ping/not-uuid/',
      '/ping/07c2f54898504b27af5d6c9dc157ec02/',
      '/ping/07c2f548-9850-4b27-af5d-6c9dc157ec02/',
      '/ping/07c2f548-9850-4b27-af5d-6c9dc157ec02/fail',
      '/ping',
      '/ping/',
    ]) {
      const answer = await sandbox.request('GET', path);
      expect([answer.status, answer.text], path).toEqual([404, 'not found']);
      expect(answer.headers.get('content-type'), path).toMatch(/^text\/plain/);
    }
  });

  it('fail, start, log and exit statuses; an exit status over 255 is 400 "invalid url format" and records nothing', async () => {
    const job = await newJob();
    expect((await sandbox.request('GET', `/ping/${job.id}/fail`)).text).toBe('OK');
    expect((await jobOf(job.id)).status).toBe('failed');
    expect((await sandbox.request('GET', `/ping/${job.id}/0`)).text).toBe('OK');
    expect((await jobOf(job.id)).status).toBe('healthy');
    expect((await sandbox.request('GET', `/ping/${job.id}/123`)).text).toBe('OK');
    expect((await jobOf(job.id)).last_exit_code).toBe(123);
    expect((await sandbox.request('GET', `/ping/${job.id}/log`)).text).toBe('OK');
    const tooBig = await sandbox.request('GET', `/ping/${job.id}/256`);
    expect([tooBig.status, tooBig.text]).toEqual([400, 'invalid url format']);
    expect((await sandbox.request('GET', `/ping/${job.id}/99999999`)).status).toBe(400);
    // An unknown check stays a 404 whatever the exit status.
    expect((await sandbox.request('GET', `/ping/${randomUUID()}/256`)).status).toBe(404);
    expect((await pingsOf(job.id)).map((ping) => ping.kind)).toEqual(['log', 'fail', 'success', 'fail']);
  });

  it('rid: a UUID in either case pairs start and finish; anything else is 400 "invalid uuid format" and not recorded', async () => {
    const job = await newJob();
    const rid = randomUUID();
    expect((await sandbox.request('GET', `/ping/${job.id}/start?rid=${rid.toUpperCase()}`)).status).toBe(200);
    expect((await jobOf(job.id)).run_in_progress).toBe(true);
    expect((await sandbox.request('GET', `/ping/${job.id}?rid=${rid}`)).status).toBe(200);
    expect((await jobOf(job.id)).run_in_progress).toBe(false);
    expect((await pingsOf(job.id))[0]).toMatchObject({ run_id: rid, kind: 'success' });
    const bad = await sandbox.request('GET', `/ping/${job.id}/start?rid=not-a-uuid`);
    expect([bad.status, bad.text]).toEqual([400, 'invalid uuid format']);
    expect(await pingsOf(job.id)).toHaveLength(2);
    expect((await sandbox.request('GET', `/ping/${randomUUID()}?rid=nope`)).status).toBe(404);
    // CronSentry's own route keeps its wider rule (documented in docs/compat.md).
    expect((await sandbox.request('GET', `/api/ping/${job.id}/start?rid=nightly-42`)).status).toBe(200);
  });

  it('test_start_does_not_change_status_of_paused_check; a success un-pauses (test_it_changes_status_of_paused_check)', async () => {
    const job = await newJob();
    await sandbox.request('GET', `/ping/${job.id}`);
    expect((await sandbox.api('POST', `/api/jobs/${job.id}/pause`)).json.status).toBe('paused');
    expect((await sandbox.request('GET', `/ping/${job.id}/start`)).status).toBe(200);
    expect((await jobOf(job.id)).status).toBe('paused');
    expect((await sandbox.request('GET', `/ping/${job.id}`)).status).toBe(200);
    expect((await jobOf(job.id)).status).toBe('healthy');
    await sandbox.api('POST', `/api/jobs/${job.id}/pause`);
    await sandbox.request('GET', `/ping/${job.id}/fail`);
    expect((await jobOf(job.id)).status).toBe('failed');
  });

  it('a body over the limit is cut, never refused (2.5 MB, what Healthchecks accepts)', async () => {
    const job = await newJob();
    const body = 'x'.repeat(2_621_440);
    const answer = await sandbox.request('POST', `/ping/${job.id}`, {
      body,
      headers: { 'content-type': 'text/plain' },
    });
    expect([answer.status, answer.text]).toEqual([200, 'OK']);
    const [ping] = await pingsOf(job.id);
    expect(ping).toMatchObject({ body_truncated: true });
    expect((ping!.body as string).length).toBe(10240);
  });

  it('slug pings: OK, 404 for a wrong key, 400 for capitals, 201 "Created" once with ?create=1', async () => {
    const job = await newJob('Nightly Backup');
    expect((await sandbox.request('GET', `/ping/${pingKey}/nightly-backup`)).text).toBe('OK');
    expect((await sandbox.request('GET', `/ping/${pingKey}/nightly-backup/123`)).text).toBe('OK');
    expect((await jobOf(job.id)).status).toBe('failed');
    const wrongKey = await sandbox.request('GET', '/ping/rrrrrrrrrrrrrrrrrrrrrr/foo');
    expect([wrongKey.status, wrongKey.text]).toEqual([404, 'not found']);
    const upper = await sandbox.request('GET', `/ping/${pingKey}/fooFOO`);
    expect([upper.status, upper.text]).toEqual([400, 'invalid url format']);
    const slug = `auto-${randomUUID().slice(0, 8)}`;
    expect((await sandbox.request('GET', `/ping/${pingKey}/${slug}`)).status).toBe(404);
    const created = await sandbox.request('GET', `/ping/${pingKey}/${slug}?create=1`);
    expect([created.status, created.text]).toEqual([201, 'Created']);
    expect(created.headers.get('ping-body-limit')).toBe('10240');
    const again = await sandbox.request('GET', `/ping/${pingKey}/${slug}?create=1`);
    expect([again.status, again.text]).toEqual([200, 'OK']);
  });

  it('CronSentry’s own /api/ping/… keeps working', async () => {
    const job = await newJob();
    const answer = await sandbox.request('POST', `/api/ping/${job.id}/0`, { body: 'done' });
    expect([answer.status, answer.text]).toEqual([200, 'OK']);
    expect(answer.headers.get('ping-body-limit')).toBe('10240');
  });
});
