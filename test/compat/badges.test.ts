import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueKeyOf } from '../../shared/domain/unique-key';
import { useSandbox } from './support';

/**
 * Status badges in Healthchecks' formats (hc/api/views.py `badge`, test_badge.py): SVG, the JSON
 * summary, and Shields.io's endpoint JSON; per project (`*`), per tag and per job; listed by
 * `GET /api/v3/badges/`. Over HTTP against the sandbox.
 */
describe('badges (/badge/…)', () => {
  const sandbox = useSandbox();
  let badges: Record<string, Record<string, string>> = {};
  let jobs: { id: string }[] = [];
  const path = (url: string) => new URL(url).pathname;

  beforeAll(async () => {
    const make = async (name: string, tags: string[]) =>
      (await sandbox.api('POST', '/api/jobs', { name, tags, schedule: '@daily', grace_time: 60 })).json as {
        id: string;
      };
    jobs = [await make('web backup', ['web', 'backup']), await make('db backup', ['db', 'backup'])];
    for (const job of jobs) await sandbox.request('GET', `/ping/${job.id}`);
    badges = (await sandbox.request('GET', '/api/v3/badges/', { key: sandbox.apiKey })).json.badges as typeof badges;
  });

  it('GET /api/v3/badges/ lists every tag and * in Healthchecks’ shape, with no API key in any URL', () => {
    expect(Object.keys(badges).sort()).toEqual(['*', 'backup', 'db', 'web']);
    expect(Object.keys(badges.web!).sort()).toEqual(['json', 'json3', 'shields', 'shields3', 'svg', 'svg3']);
    expect(path(badges.web!.svg!)).toMatch(/^\/badge\/[^/]+\/web\.svg$/);
    expect(JSON.stringify(badges)).not.toContain(sandbox.apiKey);
    for (const job of jobs) expect(JSON.stringify(badges)).not.toContain(job.id);
  });

  it('renders SVG with badge-maker, the JSON summary and the Shields endpoint, all up', async () => {
    const svg = await sandbox.request('GET', path(badges.backup!.svg!));
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.text).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.text).toContain('backup');
    expect(svg.text).toContain('up');
    expect(svg.headers.get('access-control-allow-origin')).toBe('*');
    const summary = await sandbox.request('GET', path(badges.backup!.json!));
    expect(summary.json).toEqual({ status: 'up', total: 2, grace: 0, down: 0 });
    const shields = await sandbox.request('GET', path(badges['*']!.shields!));
    expect(shields.json).toEqual({ schemaVersion: 1, label: 'Local', message: 'up', color: 'success' });
  });

  it('a failed job turns its tags and the project down; a job badge by unique_key', async () => {
    await sandbox.request('GET', `/ping/${jobs[1]!.id}/fail`);
    expect((await sandbox.request('GET', path(badges.db!.json!))).json).toEqual({
      status: 'down',
      total: 1,
      grace: 0,
      down: 1,
    });
    expect((await sandbox.request('GET', path(badges.web!.json!))).json).toMatchObject({ status: 'up' });
    expect((await sandbox.request('GET', path(badges['*']!.shields!))).json).toMatchObject({
      message: 'down',
      color: 'critical',
    });
    const key = path(badges.web!.svg!).split('/')[2];
    const job = await sandbox.request('GET', `/badge/${key}/job/${uniqueKeyOf(jobs[1]!.id)}.shields`);
    expect(job.json).toEqual({ schemaVersion: 1, label: 'db backup', message: 'down', color: 'critical' });
  });

  it('a wrong or altered key, an unknown job or format, and a write are all 404', async () => {
    const key = path(badges.web!.svg!).split('/')[2]!;
    const altered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    for (const target of [
      `/badge/${altered}/web.svg`,
      `/badge/local.AAAAAAAAAAAAAAAAAAAAAA/web.svg`,
      `/badge/${key}/web.png`,
      `/badge/${key}/job/${'0'.repeat(40)}.svg`,
      `/badge/${key}/job/not-a-key.svg`,
      '/badge/',
    ]) {
      expect((await sandbox.request('GET', target)).status, target).toBe(404);
    }
    expect((await sandbox.request('POST', `/badge/${key}/web.svg`)).status).toBe(404);
    // Rotating the ping key retires the badge URLs signed with it.
    await sandbox.api('POST', '/api/project/ping-key');
    expect((await sandbox.request('GET', `/badge/${key}/web.svg`)).status).toBe(404);
  });
});
