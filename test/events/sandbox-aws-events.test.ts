import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../alerts/support/alerting';
import { sandboxWithReceiver } from '../support/sandbox-with-receiver';
import { decodeAwsEvent } from '../../shared/domain/aws-events';
import { fixture } from './fixtures';

const SOURCES = {
  ecs: { kind: 'ecs', cluster: 'default', task_definition_family: 'nightly-report' },
  batch: { kind: 'batch', job_definition: 'first-run-job-definition' },
  stepfunctions: {
    kind: 'stepfunctions',
    state_machine_arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nightly-report',
  },
  glue: { kind: 'glue', job_name: 'nightly-report-etl' },
  codebuild: { kind: 'codebuild', project_name: 'my-sample-project' },
} as const;

/** Every sample event that ends a run, with the run's start (if the service reports one) and the outcome. */
const RUNS: { end: string; start?: string; status: 'healthy' | 'failed'; exitCode?: number; reason?: string }[] = [
  { start: 'ecs/running', end: 'ecs/stopped-success', status: 'healthy', exitCode: 0 },
  { start: 'ecs/running', end: 'ecs/stopped-sidecar-143', status: 'failed', exitCode: 143, reason: 'log-router' },
  { start: 'ecs/running', end: 'ecs/stopped-failed-to-start', status: 'failed', reason: 'CannotPullContainerError' },
  { start: 'batch/running', end: 'batch/succeeded', status: 'healthy', exitCode: 0 },
  { start: 'batch/running', end: 'batch/failed', status: 'failed', exitCode: 3, reason: 'OutOfMemoryError' },
  { start: 'stepfunctions/running', end: 'stepfunctions/succeeded', status: 'healthy' },
  { start: 'stepfunctions/running', end: 'stepfunctions/failed', status: 'failed', reason: 'States.TaskFailed' },
  { start: 'stepfunctions/running', end: 'stepfunctions/timed-out', status: 'failed', reason: 'States.Timeout' },
  { start: 'stepfunctions/running', end: 'stepfunctions/aborted', status: 'failed', reason: 'execution aborted' },
  { end: 'glue/succeeded', status: 'healthy' },
  { end: 'glue/failed', status: 'failed', reason: 'AnalysisException' },
  { end: 'glue/timeout', status: 'failed', reason: 'TIMEOUT' },
  { end: 'glue/stopped', status: 'failed', reason: 'STOPPED' },
  { start: 'codebuild/in-progress', end: 'codebuild/succeeded', status: 'healthy' },
  { start: 'codebuild/in-progress', end: 'codebuild/failed', status: 'failed', reason: 'COMMAND_EXECUTION_ERROR' },
  { start: 'codebuild/in-progress', end: 'codebuild/fault', status: 'failed', reason: 'build FAULT' },
  { start: 'codebuild/in-progress', end: 'codebuild/timed-out', status: 'failed', reason: 'build TIMED_OUT' },
  { start: 'codebuild/in-progress', end: 'codebuild/stopped', status: 'failed', reason: 'build STOPPED' },
];

describe('AWS events drive the sandbox over POST /api/aws-events', () => {
  const world = sandboxWithReceiver();
  const { api } = world;
  let channelId: string;

  beforeAll(async () => {
    channelId = await world.webhookChannel('receiver', '/hook');
  });

  const watching = async (name: string, service: keyof typeof SOURCES) => {
    const job = await api('POST', '/api/jobs', {
      name,
      schedule: '0 2 * * *',
      grace_time: 30,
      channels: [channelId],
      aws_source: SOURCES[service],
    });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    return job.body.id as string;
  };
  const alertsFor = (jobId: string) =>
    world.receiver.requests
      .filter((r) => r.body.includes(jobId))
      .map((r) => JSON.parse(r.body) as Record<string, unknown>);

  it('an ECS task that exits 1 fails with its exit code, its run time and an alert naming the stopped reason', async () => {
    const jobId = await watching('Nightly report', 'ecs');
    const started = await api('POST', '/api/aws-events', fixture('ecs/running'));
    expect(started).toMatchObject({
      status: 200,
      body: { results: [{ outcome: 'matched', job_id: jobId, signal: 'start' }] },
    });
    expect((await api('GET', `/api/jobs/${jobId}`)).body).toMatchObject({ run_in_progress: true });
    await sleep(1_100);
    const ended = await api('POST', '/api/aws-events', fixture('ecs/stopped-exit-1'));
    expect(ended.body).toMatchObject({ results: [{ outcome: 'matched', signal: 'fail' }] });

    const job = (await api('GET', `/api/jobs/${jobId}`)).body;
    expect(job).toMatchObject({ status: 'failed', last_exit_code: 1, run_in_progress: false });
    expect(job.last_duration_ms).toBeGreaterThanOrEqual(1_000);
    await eventually(() => alertsFor(jobId).length >= 1, 'the failure alert', 300);
    const alert = JSON.stringify(alertsFor(jobId)[0]);
    expect(alert).toContain('exited with code 1');
    expect(alert).toContain('Essential container in task exited');
    await api('DELETE', `/api/jobs/${jobId}`);
  });

  it.each(RUNS)('$start → $end: $status', async ({ start, end, status, exitCode, reason }) => {
    const service = end.split('/')[0] as keyof typeof SOURCES;
    const jobId = await watching(`watch ${end}`, service);
    // A put-events batch, start then end, as `aws events put-events --entries` would carry them.
    const envelopes = [...(start ? [fixture(start)] : []), fixture(end)];
    const sent = await api('POST', '/api/aws-events', {
      Entries: envelopes.map((e) => ({
        Source: e.source,
        DetailType: e['detail-type'],
        Detail: JSON.stringify(e.detail),
        Resources: e.resources,
      })),
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect((sent.body.results as { outcome: string }[]).every((r) => r.outcome === 'matched')).toBe(true);

    const job = (await api('GET', `/api/jobs/${jobId}`)).body;
    expect(job.status).toBe(status);
    expect(job.last_exit_code).toBe(exitCode ?? null);
    expect(job.run_in_progress).toBe(false);
    // Paired by the run ARN: a duration when the service reported the start, none for Glue.
    if (start) expect(job.last_duration_ms).toEqual(expect.any(Number));
    else expect(job.last_duration_ms).toBeNull();
    const pings = (await api('GET', `/api/jobs/${jobId}/pings`)).body.pings as { body: string; run_id: string }[];
    const decoded = decodeAwsEvent(envelopes.at(-1)!);
    expect(pings[0]!.body).toContain(decoded.ok ? decoded.run.runArn : 'a decodable event');
    if (start) expect(new Set(pings.map((p) => p.run_id)).size).toBe(1);
    if (status === 'failed') {
      await eventually(() => alertsFor(jobId).length >= 1, `the alert for ${end}`, 300);
      expect(JSON.stringify(alertsFor(jobId)[0])).toContain(reason!);
    }
    await api('DELETE', `/api/jobs/${jobId}`);
  });

  it('refuses events it cannot read, naming the entry, and read-only keys', async () => {
    const unsupported = await api('POST', '/api/aws-events', [
      fixture('glue/failed'),
      { ...fixture('glue/failed'), source: 'aws.ec2' },
    ]);
    expect(unsupported).toMatchObject({ status: 400, body: { error: { field: '1.detail-type' } } });
    const malformed = await api('POST', '/api/aws-events', {
      Entries: [{ Source: 'aws.ecs', DetailType: 'ECS Task State Change', Detail: '{"lastStatus":"RUNNING"}' }],
    });
    expect(malformed).toMatchObject({ status: 400, body: { error: { field: 'Entries.0.detail' } } });
    const notJson = await api('POST', '/api/aws-events', {
      Entries: [{ Source: 'aws.ecs', DetailType: 'ECS Task State Change', Detail: '{' }],
    });
    expect(notJson).toMatchObject({ status: 400, body: { error: { field: 'Entries.0.Detail' } } });
    const tooMany = await api(
      'POST',
      '/api/aws-events',
      Array.from({ length: 11 }, () => fixture('glue/failed')),
    );
    expect(tooMany.status).toBe(400);

    const reader = await api('POST', '/api/keys', { name: 'viewer', role: 'read-only' });
    const readOnly = await api('POST', '/api/aws-events', fixture('glue/failed'), reader.body.key as string);
    expect(readOnly.status).toBe(403);
    const unmatched = await api('POST', '/api/aws-events', fixture('glue/failed'));
    expect(unmatched.body).toEqual({ results: [{ outcome: 'unmatched', job_id: null, signal: null }] });
  });
});
