import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueKeyOf } from '../../shared/domain/unique-key';
import { useSandbox } from './support';

/**
 * Healthchecks' Management API v3 over HTTP against the sandbox. Requests and expected answers
 * come from Healthchecks' docs (templates/docs/api.md: "Create a Check", "Update an Existing
 * Check", …), its tests (hc/api/tests/test_create_check.py, test_update_check.py, test_pause.py,
 * test_resume.py, test_list_checks.py) and from the requests the Terraform provider
 * (kristofferahl/terraform-provider-healthchecksio, through go-healthchecksio's client.go) sends.
 */
describe('Healthchecks Management API v3 (/api/v3/…)', () => {
  const sandbox = useSandbox();
  let key = '';
  let readOnlyKey = '';
  const v3 = (method: string, path: string, body?: unknown, apiKey = key) =>
    sandbox.request(method, `/api/v3/${path}`, {
      key: apiKey,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  beforeAll(async () => {
    key = sandbox.apiKey;
    readOnlyKey = (await sandbox.api('POST', '/api/keys', { role: 'read-only', name: 'dashboard' })).json.key as string;
  });

  it('api.md "Create a Check": the documented request gets the documented shape', async () => {
    // curl --data sends a form content type; Healthchecks reads the body as JSON regardless.
    const created = await v3(
      'POST',
      'checks/',
      '{"name": "Backups", "tags": "prod www", "timeout": 3600, "grace": 60}',
    );
    expect(created.status).toBe(201);
    const check = created.json;
    expect(check).toMatchObject({
      name: 'Backups',
      tags: 'prod www',
      desc: '',
      grace: 60,
      status: 'new',
      started: false,
      last_ping: null,
      next_ping: null,
      manual_resume: false,
      methods: '',
      subject: '',
      subject_fail: '',
      start_kw: '',
      success_kw: '',
      failure_kw: '',
      filter_subject: false,
      filter_body: false,
      filter_http_body: false,
      filter_default_fail: false,
      channels: '',
      timeout: 3600,
    });
    const uuid = check.uuid as string;
    expect(check.ping_url).toBe(`${sandbox.url}/ping/${uuid}`);
    expect(check.update_url).toBe(`${sandbox.url}/api/v3/checks/${uuid}`);
    expect(check.pause_url).toBe(`${sandbox.url}/api/v3/checks/${uuid}/pause`);
    expect(check.resume_url).toBe(`${sandbox.url}/api/v3/checks/${uuid}/resume`);
    expect(check).not.toHaveProperty('schedule');

    // The ping URL it returned works with the Healthchecks protocol, and the check is `up`.
    expect((await sandbox.request('GET', `/ping/${uuid}`)).text).toBe('OK');
    const read = await v3('GET', `checks/${uuid}`);
    expect(read.json).toMatchObject({ status: 'up', uuid });
    expect(read.json.last_ping).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(read.json.next_ping).toMatch(/\+00:00$/);
  });

  it('cron schedules with tz; "Update an Existing Check"; unique upsert (test_create_check.py)', async () => {
    const name = `Database Backup ${randomUUID().slice(0, 6)}`;
    const first = await v3('POST', 'checks/', {
      name,
      schedule: '15 5 * * *',
      tz: 'Europe/Riga',
      grace: 1200,
      desc: 'Runs ~/db-backup.sh',
      unique: ['name'],
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      schedule: '15 5 * * *',
      tz: 'Europe/Riga',
      grace: 1200,
      desc: 'Runs ~/db-backup.sh',
    });
    expect(first.json).not.toHaveProperty('timeout');
    // test_it_handles_unique: the same name answers 200 with the existing check, updated.
    const again = await v3('POST', 'checks/', { name, tags: 'production db', unique: ['name'] });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ uuid: first.json.uuid, tags: 'production db', schedule: '15 5 * * *' });

    const uuid = first.json.uuid as string;
    const updated = await v3('POST', `checks/${uuid}`, { timeout: 3600, grace: 60 });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ timeout: 3600, grace: 60, name, tags: 'production db' });
    expect(updated.json).not.toHaveProperty('schedule');
    // An update without tz keeps the zone (Healthchecks only sets fields the spec carries).
    const cron = await v3('POST', `checks/${uuid}`, { schedule: '0 4 * * 1' });
    expect(cron.json).toMatchObject({ schedule: '0 4 * * 1', tz: 'Europe/Riga' });
  });

  it('validation errors have Healthchecks’ words and change nothing (test_create_check.py)', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'x', timeout: 59 }, 'json validation error: timeout is too small'],
      [{ name: 'x', timeout: 31536001 }, 'json validation error: timeout is too large'],
      [{ name: 'x', grace: 'abc' }, 'json validation error: grace is not a number'],
      [{ name: 'x', timeout: 3600.5 }, 'json validation error: timeout is not a number'],
      [{ name: null }, 'json validation error: name is not a string'],
      [{ name: 'x'.repeat(101) }, 'json validation error: name is too long'],
      [{ name: 'x', unique: 'name' }, 'json validation error: unique is not an array'],
      [{ name: 'x', unique: ['color'] }, "json validation error: an item in 'unique' has unexpected value"],
      [{ name: 'x', manual_resume: 'yes' }, 'json validation error: manual_resume is not a boolean'],
      [{ name: 'x', methods: 'GET' }, 'json validation error: methods has unexpected value'],
      [{ name: 'x', channels: 'no-such-channel' }, 'invalid channel identifier: no-such-channel'],
      [{ name: 'x', channels: ',b' }, 'empty channel identifier'],
      [[1, 2], 'json validation error: value is not an object'],
    ];
    const before = (await v3('GET', 'checks/')).json.checks as unknown[];
    for (const [body, error] of cases) {
      const answer = await v3('POST', 'checks/', body);
      expect([answer.status, answer.json], JSON.stringify(body)).toEqual([400, { error }]);
    }
    const schedule = await v3('POST', 'checks/', { name: 'x', schedule: 'not a cron' });
    expect(schedule.status).toBe(400);
    expect(schedule.json.error).toMatch(/^json validation error: schedule /);
    const zone = await v3('POST', 'checks/', { name: 'x', schedule: '* * * * *', tz: 'Mars/Olympus' });
    expect(zone.json.error).toMatch(/^json validation error: tz /);
    // Features CronSentry lacks are refused, not silently dropped.
    const filters = await v3('POST', 'checks/', { name: 'x', success_kw: 'SUCCESS' });
    expect(filters.json.error).toMatch(/success_kw is not supported by CronSentry/);
    expect((await v3('GET', 'checks/')).json.checks).toHaveLength(before.length);
  });

  it('pause and resume (test_pause.py, test_resume.py): resume of a running check is 409', async () => {
    const uuid = (await v3('POST', 'checks/', { name: 'pausable', timeout: 3600 })).json.uuid as string;
    await sandbox.request('GET', `/ping/${uuid}`);
    const paused = await v3('POST', `checks/${uuid}/pause`, '');
    expect([paused.status, paused.json.status]).toEqual([200, 'paused']);
    const resumed = await v3('POST', `checks/${uuid}/resume`, '');
    expect(resumed.status).toBe(200);
    const again = await v3('POST', `checks/${uuid}/resume`, '');
    expect([again.status, again.json]).toEqual([409, { error: 'check is not paused' }]);
  });

  it('pings and flips lists', async () => {
    const uuid = (await v3('POST', 'checks/', { name: 'logged', timeout: 3600 })).json.uuid as string;
    const rid = randomUUID();
    await sandbox.request('POST', `/ping/${uuid}/start?rid=${rid}`, { headers: { 'user-agent': 'curl/7.68.0' } });
    await sandbox.request('POST', `/ping/${uuid}?rid=${rid}`, { body: 'ok', headers: { 'user-agent': 'curl/7.68.0' } });
    await sandbox.request('GET', `/ping/${uuid}/fail`);
    const pings = (await v3('GET', `checks/${uuid}/pings/`)).json.pings as Record<string, unknown>[];
    expect(pings.map((ping) => [ping.type, ping.n, ping.method])).toEqual([
      ['fail', 3, 'GET'],
      ['success', 2, 'POST'],
      ['start', 1, 'POST'],
    ]);
    expect(pings[1]).toMatchObject({ ua: 'curl/7.68.0', rid, scheme: 'http', body_url: null });
    expect(typeof pings[1]!.duration).toBe('number');
    const flips = (await v3('GET', `checks/${uuid}/flips/`)).json.flips as { timestamp: string; up: number }[];
    expect(flips.map((flip) => flip.up)).toEqual([0, 1]);
    expect(flips[0]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect((await v3('GET', `checks/${uuid}/flips/?seconds=0`)).json.flips).toEqual([]);
    const refused = await v3('GET', `checks/${uuid}/flips/?start=abc`);
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: 'start: must be a whole number (UNIX time or seconds)' });
  });

  it('read-only keys get unique_key and nothing that pings or changes (api.md "Example Read-Only Response")', async () => {
    const uuid = (await v3('POST', 'checks/', { name: 'read me', timeout: 3600, tags: 'ro' })).json.uuid as string;
    const listed = (await v3('GET', 'checks/?tag=ro', undefined, readOnlyKey)).json.checks as Record<string, unknown>[];
    expect(listed).toHaveLength(1);
    const check = listed[0]!;
    expect(check.unique_key).toBe(uniqueKeyOf(uuid));
    for (const field of ['uuid', 'ping_url', 'update_url', 'pause_url', 'resume_url', 'channels']) {
      expect(check, field).not.toHaveProperty(field);
    }
    expect(JSON.stringify(listed)).not.toContain(uuid);
    const byKey = await v3('GET', `checks/${check.unique_key as string}`, undefined, readOnlyKey);
    expect(byKey.json).toMatchObject({ name: 'read me', unique_key: check.unique_key });
    expect((await v3('GET', `checks/${check.unique_key as string}/flips/`, undefined, readOnlyKey)).status).toBe(200);
    for (const [method, path] of [
      ['POST', 'checks/'],
      ['POST', `checks/${uuid}/pause`],
      ['DELETE', `checks/${uuid}`],
      ['GET', `checks/${uuid}/pings/`],
      ['GET', 'channels/'],
    ] as const) {
      const answer = await v3(method, path, method === 'POST' ? { name: 'nope' } : undefined, readOnlyKey);
      expect([answer.status, answer.json], `${method} ${path}`).toEqual([403, { error: 'this API key is read-only' }]);
    }
  });

  it('the Terraform provider’s create, read, update and delete (go-healthchecksio client)', async () => {
    const channel = await sandbox.api('POST', '/api/channels', {
      kind: 'webhook',
      name: 'ops hook',
      settings: { url: 'https://hooks.example.com/cron' },
    });
    expect(channel.status).toBe(201);
    // resource_check.go → Healthcheck.ToJSON(): channels and methods always, the rest omitempty.
    const body = {
      channels: channel.json.id,
      grace: 300,
      methods: '',
      name: 'terraform check',
      slug: 'terraform-check',
      schedule: '*/15 * * * *',
      tags: 'tf managed',
      tz: 'Europe/Stockholm',
    };
    const created = await v3('POST', 'checks/', body);
    expect(created.status).toBe(201);
    // The provider takes the resource id from the last segment of update_url.
    const id = (created.json.update_url as string).split('/').pop()!;
    const all = (await v3('GET', 'checks/')).json.checks as { update_url: string }[];
    const read = all.find((check) => check.update_url.endsWith(id));
    expect(read).toMatchObject({ ...body, desc: '' });

    const update = await v3('POST', `checks/${id}`, { ...body, channels: '', grace: 600, desc: 'now described' });
    expect(update.json).toMatchObject({ channels: '', grace: 600, desc: 'now described' });
    const removed = await v3('DELETE', `checks/${id}`);
    expect([removed.status, removed.json.name]).toEqual([200, 'terraform check']);
    expect((await v3('GET', `checks/${id}`)).status).toBe(404);
    expect((await sandbox.request('GET', `/ping/${id}`)).status).toBe(404);
  });

  it('channels, a slug that is not the name’s, and an unknown check', async () => {
    const channels = (await v3('GET', 'channels/')).json.channels as Record<string, unknown>[];
    expect(channels[0]).toEqual({ id: expect.any(String), name: 'ops hook', kind: 'webhook' });
    const slug = await v3('POST', 'checks/', { name: 'Nightly', slug: 'other' });
    expect(slug.status).toBe(400);
    expect(slug.json.error).toContain('slug must be "nightly"');
    expect((await v3('GET', `checks/${randomUUID()}`)).json).toEqual({ error: 'not found' });
    expect((await v3('GET', 'checks/not-a-uuid')).status).toBe(404);
  });
});
