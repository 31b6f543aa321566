import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { AccessService } from '../../shared/app/access';
import { accessStores } from '../../shared/wiring/access-stores';
import { parseJobCreate } from '../../shared/app/job-input';
import { startSandboxProcess } from '../support/sandbox-process';
import { servicesFor } from '../support/services';
import { endpointOf, freshTable, STORES } from '../support/stores';
import { driftCount } from '../support/count-drift';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.each(STORES)('cronsentry CLI against a table on %s', (store) => {
  it('creates a project and keys without any key (IAM is the root of trust), lists and revokes them', async () => {
    const { documents, tableName } = await freshTable(store);
    const where = ['--table', tableName, '--endpoint', endpointOf(store)];
    const access = new AccessService(accessStores(documents, tableName));

    const created = await cli('projects', 'create', '--name', 'Acme', '--json', ...where);
    expect(created).toMatchObject({ code: 0, err: '' });
    const project = JSON.parse(created.out) as { id: string; ping_key: string };
    expect(project.ping_key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await cli('projects', 'list', ...where)).out).toContain('Acme');

    const made = await cli('keys', 'create', '--project', project.id, '--role', 'read-write', '--name', 'ci', ...where);
    expect(made.code).toBe(0);
    const secret = /csk_[A-Za-z0-9_-]{43}/.exec(made.out)?.[0];
    expect(secret).toBeDefined();
    const principal = await access.authenticate(secret, Date.now());
    expect(principal).toMatchObject({ projectId: project.id, role: 'read-write' });

    const listed = await cli('keys', 'list', '--project', project.id, '--json', ...where);
    const keys = JSON.parse(listed.out) as { id: string; name: string; role: string }[];
    expect(keys).toEqual([expect.objectContaining({ id: principal.keyId, name: 'ci', role: 'read-write' })]);
    // Listing shows neither the secret nor its hash.
    expect(listed.out).not.toContain(secret!.slice(10));
    expect(listed.out).not.toMatch(/[0-9a-f]{64}/);

    expect((await cli('keys', 'revoke', '--project', project.id, '--key', principal.keyId, ...where)).code).toBe(0);
    await expect(access.authenticate(secret, Date.now())).rejects.toMatchObject({ name: 'UnauthorizedError' });
    expect((await cli('keys', 'revoke', '--project', project.id, '--key', principal.keyId, ...where)).code).toBe(1);
  });

  it('recounts a project’s jobs and repairs the counts the summary reads', async () => {
    const { services, principal, documents, tableName } = await servicesFor(store);
    const where = ['--table', tableName, '--endpoint', endpointOf(store)];
    await services.jobs.create(
      principal,
      parseJobCreate({ name: 'a', schedule: 'every 1m', grace_time: 1, tags: ['db'] }),
      Date.now(),
    );
    await services.jobs.summary(principal, Date.now());
    // Drift, as a writer that died between its job write and its counter write leaves it.
    await driftCount({ documents, tableName }, principal.projectId, 'failed', 3);
    expect((await services.jobs.summary(principal, Date.now())).counts.failed).toBe(3);

    // No writer races this test: it need not wait for the writes under way (the storage tests race it).
    const recount = ['jobs', 'recount', '--project', principal.projectId, '--settle', '0'];
    const recounted = await cli(...recount, '--json', ...where);
    expect(recounted).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(recounted.out)).toMatchObject({ statuses: { new: 1, failed: 0 }, tags: { db: 1 } });
    expect((await services.jobs.summary(principal, Date.now())).counts).toMatchObject({ new: 1, failed: 0 });
    expect((await cli('jobs', 'recount', '--project', 'nope', ...where)).code).toBe(1);
    const badSettle = await cli(...recount.slice(0, -1), 'soon', ...where);
    expect(badSettle).toMatchObject({ code: 2, err: expect.stringContaining('--settle') });
  });

  it('refuses misuse with a message and exit code 2, unknown projects with 1', async () => {
    const { tableName } = await freshTable(store);
    const where = ['--table', tableName, '--endpoint', endpointOf(store)];
    const noProject = await cli('keys', 'create', '--role', 'read-only', '--name', 'x', ...where);
    expect(noProject).toMatchObject({ code: 2, err: expect.stringContaining('--project is required') });
    const badRole = await cli('keys', 'create', '--project', 'p', '--role', 'admin', '--name', 'x', ...where);
    expect(badRole.code).toBe(1); // the project is checked first: there is none
    expect(badRole.err).toContain('no project p');
    expect((await cli('keys', 'list', '--project', 'p')).err).toContain('--table');
    expect((await cli('frobnicate', 'now', ...where)).code).toBe(2);
    expect((await cli('keys', 'list', '--bogus', ...where)).code).toBe(2);
  });
});

describe('cronsentry CLI against the sandbox data folder', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('says plainly that a running sandbox holds the data; once it stopped, makes a key the sandbox accepts', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cronsentry-cli-'));
    dirs.push(dataDir);
    let sandbox = await startSandboxProcess({ CRONSENTRY_DATA_DIR: dataDir });
    try {
      const locked = await cli('keys', 'list', '--project', 'local', '--local', '--data-dir', dataDir);
      expect(locked.code).toBe(1);
      expect(locked.err).toContain('the sandbox is running');
    } finally {
      await sandbox.stop();
    }

    const listed = await cli('keys', 'list', '--project', 'local', '--local', '--data-dir', dataDir);
    expect(listed).toMatchObject({ code: 0, out: expect.stringContaining('read-write  local') });
    const made = await cli(
      ...['keys', 'create', '--project', 'local', '--role', 'read-only', '--name', 'viewer', '--json'],
      ...['--local', '--data-dir', dataDir],
    );
    expect(made.code).toBe(0);
    const { key } = JSON.parse(made.out) as { key: string };

    sandbox = await startSandboxProcess({ CRONSENTRY_DATA_DIR: dataDir });
    try {
      const me = await fetch(`${sandbox.url}/api/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ project: { id: 'local' }, key: { name: 'viewer', role: 'read-only' } });
    } finally {
      await sandbox.stop();
    }
  });

  it('runs as the `cronsentry` bin (tsx shim)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['cli/cronsentry.mjs', '--help'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
    });
    expect(stdout).toContain('cronsentry keys create --project');
  });

  it('says when there is no sandbox data at all', async () => {
    const result = await cli('projects', 'list', '--local', '--data-dir', path.join(tmpdir(), 'no-such-cronsentry'));
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining('no sandbox data') });
  });
});
