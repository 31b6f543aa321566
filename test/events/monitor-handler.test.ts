import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildMonitorHandler } from '../../functions/monitor/handler';
import { servicesFor } from '../support/services';
import { fixture } from './fixtures';

const NOW = Date.UTC(2026, 0, 1);

function event(
  type: 'Create' | 'Update' | 'Delete',
  projectId: string,
  job: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://example.invalid',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/NightlyReport/1',
    RequestId: 'r',
    LogicalResourceId: 'NightlyReportMonitor',
    ResourceType: 'Custom::CronSentryMonitor',
    ResourceProperties: { ServiceToken: 'x', ProjectId: projectId, Job: JSON.stringify(job) },
    ...extra,
  } as unknown as CloudFormationCustomResourceEvent;
}

describe('the CronSentryMonitor custom resource against DynamoDB Local', () => {
  it('creates, updates and deletes the job (IAM, not an API key, lets it act for the project)', async () => {
    const { services, principal } = await servicesFor('DynamoDB Local');
    const handle = buildMonitorHandler({ jobs: services.jobs, clock: () => NOW });
    const job = {
      name: 'Nightly report',
      description: '',
      schedule: 'cron(0 2 * * ? *)',
      timezone: 'UTC',
      grace_time: '1800s',
      tags: ['reports'],
      aws_source: { kind: 'ecs', cluster: 'default', task_definition_family: 'nightly-report' },
      reminder_every: null,
    };

    const created = await handle(event('Create', principal.projectId, job));
    const jobId = created.PhysicalResourceId;
    expect(created.Data).toEqual({ JobId: jobId });
    const stored = await services.jobs.get(principal, jobId);
    expect(stored.state.schedule).toMatchObject({ kind: 'cron', expression: '0 2 * * *' });
    expect(stored.state.graceMs).toBe(30 * 60_000);
    expect(await services.awsEvents.handle(fixture('ecs/running'), NOW)).toMatchObject({ jobId });

    const changed = { ...job, schedule: 'rate(1 hour)', aws_source: { kind: 'glue', job_name: 'nightly-report-etl' } };
    const updated = await handle(
      event('Update', principal.projectId, changed, {
        PhysicalResourceId: jobId,
        OldResourceProperties: { ProjectId: principal.projectId, Job: JSON.stringify(job) },
      }),
    );
    expect(updated.PhysicalResourceId).toBe(jobId);
    expect((await services.jobs.get(principal, jobId)).state.schedule).toMatchObject({
      kind: 'interval',
      everyMs: 3_600_000,
    });
    expect(await services.awsEvents.handle(fixture('ecs/running'), NOW)).toMatchObject({ outcome: 'unmatched' });
    expect(await services.awsEvents.handle(fixture('glue/failed'), NOW)).toMatchObject({ jobId, signal: 'fail' });

    await handle(event('Delete', principal.projectId, changed, { PhysicalResourceId: jobId }));
    await expect(services.jobs.get(principal, jobId)).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(await services.awsEvents.handle(fixture('glue/failed'), NOW)).toMatchObject({ outcome: 'unmatched' });
    // A repeated delete (CloudFormation retries) succeeds: the job is gone either way.
    await expect(handle(event('Delete', principal.projectId, changed, { PhysicalResourceId: jobId }))).resolves.toEqual(
      {
        PhysicalResourceId: jobId,
      },
    );
  });

  it('fails the deployment with the API message for a bad job, creating nothing', async () => {
    const { services, principal } = await servicesFor('DynamoDB Local');
    const handle = buildMonitorHandler({ jobs: services.jobs, clock: () => NOW });
    await expect(
      handle(
        event('Create', principal.projectId, { name: 'x', schedule: 'at(2026-01-01T00:00:00)', grace_time: '5m' }),
      ),
    ).rejects.toThrow(/one-time schedule/);
    expect((await services.jobs.list(principal, {}, 10, NOW)).items).toEqual([]);
  });
});
