import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../cli/import-healthchecks';
import { useSandbox } from './support';

/** The two checks of api.md's "List Existing Checks" example response, as Healthchecks sends them. */
const DOCUMENTED_CHECKS = [
  {
    name: 'Filesystem Backup',
    slug: 'filesystem-backup',
    tags: 'backup fs',
    desc: 'Runs incremental backup every hour',
    grace: 600,
    n_pings: 1,
    status: 'up',
    started: false,
    last_ping: '2020-03-24T14:02:03+00:00',
    next_ping: '2020-03-24T15:02:03+00:00',
    manual_resume: false,
    methods: '',
    start_kw: 'START',
    success_kw: 'SUCCESS',
    failure_kw: 'ERROR',
    filter_subject: true,
    filter_body: false,
    filter_http_body: false,
    filter_default_fail: false,
    badge_url: 'SITE_ROOT/b/2/1b9d0386-d07e-44b0-8995-4a9a372de43c.svg',
    uuid: '31365bce-8da9-4729-8ff3-aaa71d56b712',
    ping_url: 'PING_ENDPOINT31365bce-8da9-4729-8ff3-aaa71d56b712',
    update_url: 'SITE_ROOT/api/v3/checks/31365bce-8da9-4729-8ff3-aaa71d56b712',
    pause_url: 'SITE_ROOT/api/v3/checks/31365bce-8da9-4729-8ff3-aaa71d56b712/pause',
    resume_url: 'SITE_ROOT/api/v3/checks/31365bce-8da9-4729-8ff3-aaa71d56b712/resume',
    channels: '1bdea468-03bf-47b8-ab27-29a9dd0e4b94,51c6eb2b-2ae1-456b-99fe-6f1e0a36cd3c',
    timeout: 3600,
  },
  {
    name: 'Database Backup',
    slug: 'database-backup',
    tags: 'production db',
    desc: 'Runs ~/db-backup.sh',
    grace: 1200,
    n_pings: 7,
    status: 'down',
    started: false,
    last_ping: '2020-03-23T10:19:32+00:00',
    next_ping: null,
    manual_resume: false,
    methods: '',
    start_kw: '',
    success_kw: '',
    failure_kw: '',
    filter_subject: false,
    filter_body: false,
    filter_http_body: false,
    filter_default_fail: false,
    badge_url: 'SITE_ROOT/b/2/7d3ab93d-836e-4505-bbda-fcbd5e07adf9.svg',
    uuid: '803f680d-e89b-492b-82ef-2be7b774a92d',
    ping_url: 'PING_ENDPOINT803f680d-e89b-492b-82ef-2be7b774a92d',
    update_url: 'SITE_ROOT/api/v3/checks/803f680d-e89b-492b-82ef-2be7b774a92d',
    pause_url: 'SITE_ROOT/api/v3/checks/803f680d-e89b-492b-82ef-2be7b774a92d/pause',
    resume_url: 'SITE_ROOT/api/v3/checks/803f680d-e89b-492b-82ef-2be7b774a92d/resume',
    channels: '1bdea468-03bf-47b8-ab27-29a9dd0e4b94,51c6eb2b-2ae1-456b-99fe-6f1e0a36cd3c',
    schedule: '15 5 * * *',
    tz: 'UTC',
  },
];
/** A third check CronSentry cannot take (an OnCalendar schedule) and one with its own slug. */
const EXTRA_CHECKS = [
  {
    ...DOCUMENTED_CHECKS[1],
    uuid: 'c5a0f7a4-1f27-4a8c-9a7f-0b9c2c1f4e11',
    name: 'Weekly',
    slug: 'weekly',
    schedule: 'Mon *-*-* 09:00',
  },
  { ...DOCUMENTED_CHECKS[0], uuid: '5d4c3b2a-1f27-4a8c-9a7f-0b9c2c1f4e22', name: 'Reports', slug: 'nightly-reports' },
];
const HC_KEY = 'abcdefghijklmnopqrstuvwxyz012345';

describe('cronsentry import healthchecks (against a fake Healthchecks API and the sandbox)', () => {
  const sandbox = useSandbox();
  let checks: Record<string, unknown>[] = [...DOCUMENTED_CHECKS, ...EXTRA_CHECKS];
  let source = '';
  const server = http.createServer((request, response) => {
    // Healthchecks' authorize_read: a 32-character X-Api-Key, else 401 {"error": "missing api key"}.
    if (request.headers['x-api-key'] !== HC_KEY) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error": "wrong api key"}');
    } else if (request.url === '/api/v3/checks/') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ checks }));
    } else response.writeHead(404).end();
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    source = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const run = async (...extra: string[]) => {
    const lines: string[] = [];
    const code = await runImport(
      ['healthchecks', '--url', source, '--api-key', HC_KEY, '--to', sandbox.url, ...extra],
      { out: (line) => lines.push(line), err: (line) => lines.push(line) },
      { CRONSENTRY_API_KEY: sandbox.apiKey },
    );
    return { code, output: lines.join('\n') };
  };

  it('a dry run says what would happen and changes nothing', async () => {
    const dry = await run('--dry-run');
    expect(dry.output).toContain('Dry run, nothing changed. 4 checks: 4 to be created, 0 to be updated');
    expect((await sandbox.api('GET', '/api/jobs')).json.jobs).toEqual([]);
  });

  it('copies schedules, zones, grace, tags and descriptions under the same UUIDs; reports what it cannot take', async () => {
    const first = await run();
    expect(first.output).toContain('4 checks: 3 created, 0 updated, 0 unchanged, 1 skipped');
    expect(first.output).toMatch(
      /c5a0f7a4-1f27-4a8c-9a7f-0b9c2c1f4e11 {2}Weekly: skipped: json validation error: schedule /,
    );
    expect(first.output).toContain('slug "nightly-reports" becomes "reports" (slugs follow names)');
    expect(first.output).toContain('keyword filters are not copied');
    expect(first.code).toBe(1);

    const hourly = (await sandbox.api('GET', '/api/jobs/31365bce-8da9-4729-8ff3-aaa71d56b712')).json;
    expect(hourly).toMatchObject({
      name: 'Filesystem Backup',
      description: 'Runs incremental backup every hour',
      tags: ['backup', 'fs'],
      grace_seconds: 600,
      status: 'new',
    });
    const daily = (await sandbox.api('GET', '/api/jobs/803f680d-e89b-492b-82ef-2be7b774a92d')).json;
    expect(daily).toMatchObject({
      schedule: '15 5 * * *',
      timezone: 'UTC',
      grace_seconds: 1200,
      tags: ['production', 'db'],
    });
    // The crontab line only changes its base URL.
    expect((await sandbox.request('GET', '/ping/803f680d-e89b-492b-82ef-2be7b774a92d')).text).toBe('OK');
  });

  it('is safe to run again: unchanged checks stay, a changed one is updated', async () => {
    checks = checks.filter((check) => check.name !== 'Weekly');
    const again = await run();
    expect(again.output).toContain('3 checks: 0 created, 0 updated, 3 unchanged, 0 skipped');
    expect(again.code).toBe(0);
    checks = checks.map((check) =>
      check.name === 'Database Backup' ? { ...check, desc: 'now nightly', grace: 1800 } : check,
    );
    const changed = await run();
    expect(changed.output).toContain('3 checks: 0 created, 1 updated, 2 unchanged, 0 skipped');
    expect((await sandbox.api('GET', '/api/jobs/803f680d-e89b-492b-82ef-2be7b774a92d')).json).toMatchObject({
      description: 'now nightly',
      grace_seconds: 1800,
      status: 'healthy',
    });
  });

  it('says plainly when a key is wrong or read-only', async () => {
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    const env = { CRONSENTRY_API_KEY: sandbox.apiKey, CRONSENTRY_URL: sandbox.url };
    expect(await runImport(['healthchecks', '--url', source, '--api-key', 'x'.repeat(32)], io, env)).toBe(1);
    expect(lines.join('\n')).toContain('Healthchecks answered 401');
    const readOnly = checks.map(({ uuid: _uuid, ...rest }) => ({ ...rest, unique_key: 'a'.repeat(40) }));
    const saved = checks;
    checks = readOnly;
    expect(await runImport(['healthchecks', '--url', source, '--api-key', HC_KEY], io, env)).toBe(1);
    expect(lines.join('\n')).toContain('read-only');
    checks = saved;
    expect(await runImport(['healthchecks', '--url', source], io, env)).toBe(2);
  });
});
