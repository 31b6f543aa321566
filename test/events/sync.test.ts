import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { servicesFor } from '../support/services';
import { endpointOf } from '../support/stores';
import { parseJobCreate } from '../../shared/app/job-input';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const MONITORS = `
jobs:
  nightly-report:
    name: Nightly report
    schedule: cron(0 2 * * ? *)
    grace_time: 30m
    tags: [reports]
    aws_source: { kind: ecs, cluster: default, task_definition_family: nightly-report }
  database-backup:
    schedule: "0 3 * * *"
    timezone: Europe/Berlin
    grace_time: 15
`;

describe('cronsentry sync against DynamoDB Local', () => {
  async function setup() {
    const ctx = await servicesFor('DynamoDB Local');
    const dir = await mkdtemp(path.join(tmpdir(), 'cronsentry-sync-'));
    dirs.push(dir);
    const write = async (name: string, text: string) => {
      const file = path.join(dir, name);
      await writeFile(file, text);
      return file;
    };
    const where = ['--project', ctx.project.id, '--table', ctx.tableName, '--endpoint', endpointOf('DynamoDB Local')];
    const names = async () =>
      (await ctx.services.jobs.list(ctx.principal, {}, 50, Date.now())).items.map((j) => j.profile.name).sort();
    return { ...ctx, write, where, names };
  }

  it('plans, applies, is idempotent, updates what changed, checks drift, and prunes only when asked', async () => {
    const { write, where, names, services, principal } = await setup();
    const manual = await services.jobs.create(
      principal,
      parseJobCreate({ name: 'Made by hand', schedule: '0 1 * * *', grace_time: 5 }),
      Date.now(),
    );
    const file = await write('monitors.yaml', MONITORS);

    const check = await cli('sync', file, '--check', ...where);
    expect(check.code).toBe(1);
    expect(check.out).toContain('+ create    nightly-report');
    expect(check.out).toContain('+ create    database-backup');
    expect(check.out).toContain('made-by-hand (not declared; --prune deletes it)');
    expect(await names()).toEqual(['Made by hand']); // --check changes nothing

    const applied = await cli('sync', file, ...where);
    expect(applied).toMatchObject({
      code: 0,
      out: expect.stringContaining('Applied: 2 created, 0 updated, 0 deleted.'),
    });
    expect(await names()).toEqual(['Made by hand', 'Nightly report', 'database-backup']);
    const nightly = (await services.jobs.list(principal, { query: 'Nightly' }, 5, Date.now())).items[0]!;
    expect(nightly.profile.awsSource).toMatchObject({ kind: 'ecs', taskDefinitionFamily: 'nightly-report' });
    expect(nightly.state.schedule).toMatchObject({ expression: '0 2 * * *' });

    const again = await cli('sync', file, ...where);
    expect(again.out).toContain('= unchanged nightly-report');
    expect(again.out).toContain('Nothing to do.');
    expect((await cli('sync', file, '--check', ...where)).code).toBe(0);

    const changed = await write('monitors.yaml', MONITORS.replace('grace_time: 30m', 'grace_time: 45m'));
    const update = await cli('sync', changed, '--check', '--json', ...where);
    expect(update.code).toBe(1);
    expect(JSON.parse(update.out)).toMatchObject({
      drift: true,
      plan: expect.arrayContaining([
        { action: 'update', slug: 'nightly-report', jobId: nightly.state.id, fields: ['grace_time'] },
      ]),
    });
    expect((await cli('sync', changed, ...where)).out).toContain('~ update    nightly-report (grace_time)');
    expect((await services.jobs.get(principal, nightly.state.id)).state.graceMs).toBe(45 * 60_000);

    // Alert rules are compared too: a threshold and a runtime bound in the file are an update.
    const rules = await write(
      'rules.yaml',
      MONITORS.replace('grace_time: 30m', 'grace_time: 45m\n    failure_threshold: 3\n    max_runtime: 2h'),
    );
    expect((await cli('sync', rules, ...where)).out).toContain(
      '~ update    nightly-report (failure_threshold, max_runtime)',
    );
    expect((await services.jobs.get(principal, nightly.state.id)).state).toMatchObject({
      failureThreshold: 3,
      maxRuntimeMs: 2 * 3_600_000,
    });
    // Left out of the file again, they go back to their defaults.
    expect((await cli('sync', changed, ...where)).out).toContain(
      '~ update    nightly-report (failure_threshold, max_runtime)',
    );
    expect((await services.jobs.get(principal, nightly.state.id)).state.failureThreshold).toBeUndefined();

    const pruned = await cli('sync', changed, '--prune', ...where);
    expect(pruned.out).toContain('- delete    made-by-hand');
    expect(await names()).toEqual(['Nightly report', 'database-backup']);
    await expect(services.jobs.get(principal, manual.state.id)).rejects.toMatchObject({ name: 'NotFoundError' });
    expect((await cli('sync', changed, '--check', '--prune', ...where)).code).toBe(0);
  });

  it('reads JSON too, and refuses a bad file before changing anything', async () => {
    const { write, where, names } = await setup();
    const json = await write(
      'monitors.json',
      JSON.stringify({ jobs: { hourly: { schedule: 'rate(1 hour)', grace_time: 10 } } }),
    );
    expect((await cli('sync', json, ...where)).code).toBe(0);
    expect(await names()).toEqual(['hourly']);

    const bad = await write(
      'bad.yaml',
      'jobs:\n  ok-job:\n    schedule: "0 1 * * *"\n    grace_time: 5\n  broken:\n    schedule: at(2026-01-01T00:00:00)\n    grace_time: 5\n',
    );
    const refused = await cli('sync', bad, ...where);
    expect(refused).toMatchObject({
      code: 1,
      err: expect.stringContaining('jobs.broken: schedule: at(…) is a one-time schedule'),
    });
    const misnamed = await write(
      'misnamed.yaml',
      'jobs:\n  backup:\n    name: Nightly backup\n    schedule: "0 1 * * *"\n    grace_time: 5\n',
    );
    expect((await cli('sync', misnamed, ...where)).err).toContain('has the slug nightly-backup, not backup');
    expect((await cli('sync', await write('x.yaml', 'jobs: [1'), ...where)).err).toContain('is not valid YAML');
    expect(await names()).toEqual(['hourly']);
  });
});
