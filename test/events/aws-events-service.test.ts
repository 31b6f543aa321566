import { describe, expect, it } from 'vitest';
import { matchKeyOf } from '../../shared/domain/aws-events';
import { statusAt } from '../../shared/domain/transitions';
import { runIdOf } from '../../shared/app/aws-events-service';
import type { Principal } from '../../shared/app/access';
import { servicesFor } from '../support/services';
import { STORES } from '../support/stores';
import { fixture } from './fixtures';
import { parseJobCreate, parseJobUpdate } from '../../shared/app/job-input';

const NOW = Date.UTC(2026, 0, 1, 2, 0);
const ECS = { kind: 'ecs', cluster: 'default', task_definition_family: 'nightly-report' };

describe.each(STORES)('AWS events through the ping service on %s', (store) => {
  async function setup() {
    const ctx = await servicesFor(store);
    const create = async (body: Record<string, unknown>, principal: Principal = ctx.principal) =>
      ctx.services.jobs.create(principal, parseJobCreate({ schedule: '0 2 * * *', grace_time: 30, ...body }), NOW);
    return { ...ctx, create };
  }

  it('an ECS task that runs and exits 1 starts, fails with its exit code and stopped reason, and alerts', async () => {
    const { services, principal, bus, create } = await setup();
    const job = await create({ name: 'Nightly report', aws_source: ECS });
    expect(job.profile.awsSource).toEqual({ kind: 'ecs', cluster: 'default', taskDefinitionFamily: 'nightly-report' });

    const started = await services.awsEvents.handle(fixture('ecs/running'), NOW);
    expect(started).toMatchObject({ outcome: 'matched', jobId: job.state.id, signal: 'start' });
    const ended = await services.awsEvents.handle(fixture('ecs/stopped-exit-1'), NOW + 90_000);
    expect(ended).toMatchObject({ outcome: 'matched', signal: 'fail' });

    const { state } = await services.jobs.get(principal, job.state.id);
    expect(state).toMatchObject({ status: 'failed', lastExitCode: 1, lastDurationMs: 90_000, runs: {} });
    const flips = await services.jobs.flips(principal, job.state.id, 10);
    expect(flips.items[0]?.reason).toBe(
      'the job exited with code 1: container report: Essential container in task exited',
    );
    expect(bus.messages.at(-1)?.notice.reason).toContain('Essential container in task exited');
    const pings = await services.jobs.pings(principal, job.state.id, 10);
    expect(pings.items.map((p) => [p.kind, p.runId])).toEqual([
      ['fail', runIdOf(fixture('ecs/stopped-exit-1').detail.taskArn as string)],
      ['start', runIdOf(fixture('ecs/running').detail.taskArn as string)],
    ]);
    expect(pings.items[0]!.body).toContain('container report: exit code 1');
    expect(pings.items[0]!.userAgent).toBe('EventBridge aws.ecs');
  });

  it('an event nobody watches, an in-between state and an unknown source change nothing', async () => {
    const { services, create } = await setup();
    await create({ name: 'Glue', aws_source: { kind: 'glue', job_name: 'another-job' } });
    expect(await services.awsEvents.handle(fixture('glue/failed'), NOW)).toMatchObject({ outcome: 'unmatched' });
    expect(await services.awsEvents.handle(fixture('ecs/pending'), NOW)).toEqual({ outcome: 'ignored' });
    expect(await services.awsEvents.handle({ ...fixture('glue/failed'), source: 'aws.ec2' }, NOW)).toEqual({
      outcome: 'unsupported',
    });
  });

  it('a Batch job is found by its job definition or by a tag it carries', async () => {
    const { services, principal, create } = await setup();
    const tagged = await create({
      name: 'Tagged',
      aws_source: { tag: { key: 'cronsentry', value: 'nightly-report' } },
    });
    expect(await services.awsEvents.handle(fixture('batch/succeeded'), NOW)).toMatchObject({
      outcome: 'matched',
      jobId: tagged.state.id,
      signal: 'success',
    });
    expect(statusAt((await services.jobs.get(principal, tagged.state.id)).state, NOW)).toBe('healthy');
  });

  it('one resource is watched by one job: a second claim, from any project, is refused; update and delete let go', async () => {
    const { services, principal, create } = await setup();
    const first = await create({ name: 'First', aws_source: ECS });
    await expect(create({ name: 'Second', aws_source: ECS })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'aws_source',
    });
    const other = await services.access.createProject('Project B', NOW);
    const otherPrincipal: Principal = { projectId: other.id, keyId: 'k', role: 'read-write' };
    await expect(create({ name: 'Theirs', aws_source: ECS }, otherPrincipal)).rejects.toMatchObject({
      field: 'aws_source',
    });

    await services.jobs.update(
      principal,
      first.state.id,
      parseJobUpdate({ aws_source: { kind: 'glue', job_name: 'etl' } }),
      NOW,
    );
    const second = await create({ name: 'Second', aws_source: ECS }, otherPrincipal);
    // Project A's key cannot move project B's job through the API scope either.
    expect(
      await services.awsEvents.handle(fixture('ecs/running'), NOW, { projectId: principal.projectId }),
    ).toMatchObject({ outcome: 'unmatched' });
    expect(await services.awsEvents.handle(fixture('ecs/running'), NOW)).toMatchObject({ jobId: second.state.id });

    await services.jobs.remove(otherPrincipal, second.state.id);
    expect(await services.awsEvents.handle(fixture('ecs/running'), NOW)).toMatchObject({ outcome: 'unmatched' });
    await services.jobs.update(principal, first.state.id, parseJobUpdate({ aws_source: null }), NOW);
    expect((await services.jobs.get(principal, first.state.id)).profile.awsSource).toBeUndefined();
    expect(await services.awsEvents.handle(fixture('glue/failed'), NOW)).toMatchObject({ outcome: 'unmatched' });
    expect(matchKeyOf({ kind: 'glue', jobName: 'etl' })).toBe('["glue","etl"]');
  });

  it('refuses a malformed aws_source, naming the field, and creates nothing', async () => {
    const { services, principal, create } = await setup();
    await expect(create({ name: 'Bad', aws_source: { kind: 'ecs', cluster: 'default' } })).rejects.toMatchObject({
      name: 'ValidationError',
      field: expect.stringMatching(/^aws_source/),
    });
    await expect(
      create({ name: 'Bad', aws_source: { kind: 'stepfunctions', state_machine_arn: 'nightly' } }),
    ).rejects.toMatchObject({ field: expect.stringMatching(/^aws_source/) });
    expect((await services.jobs.list(principal, {}, 10, NOW)).items).toEqual([]);
  });
});
