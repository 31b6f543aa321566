/**
 * What an AWS state-change event that no job watches costs (issue 13): the account's other ECS
 * tasks, Batch jobs, executions and builds all reach the events function once `awsEvents` is on.
 * Measured as DynamoDB capacity units on DynamoDB Local (ReturnConsumedCapacity INDEXES), per
 * 1,000 events of each kind, with 50 jobs watching other resources in the table.
 */
import type { Principal } from '../../shared/app/access';
import type { EventEnvelope } from '../../shared/domain/aws-events';
import { fixture } from '../../test/events/fixtures';
import { round, summarize } from '../support/capacity';
import { benchStack } from '../support/env';
import { parseJobCreate } from '../../shared/app/job-input';

const EVENTS = 1_000;
const WATCHERS = 50;

/** A documented sample event, made about a resource of its own (i) that no job watches. */
const KINDS: Record<string, (i: number) => EventEnvelope> = {
  'ECS task RUNNING (another cluster)': (i) =>
    withDetail('ecs/running', { clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/c${i}` }),
  'ECS task STOPPED': (i) =>
    withDetail('ecs/stopped-exit-1', { clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/c${i}` }),
  'ECS task PENDING (in between)': (i) =>
    withDetail('ecs/pending', { clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/c${i}` }),
  'Batch job FAILED with 2 tags': (i) =>
    withDetail('batch/failed', {
      jobDefinition: `arn:aws:batch:us-east-1:123456789012:job-definition/def${i}:1`,
      tags: { cronsentry: `other-${i}`, team: 'data' },
    }),
  'Step Functions execution FAILED': (i) =>
    withDetail('stepfunctions/failed', {
      stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:sm${i}`,
    }),
  'Glue job run FAILED': (i) => withDetail('glue/failed', { jobName: `etl-${i}` }),
  'CodeBuild build FAILED': (i) => withDetail('codebuild/failed', { 'project-name': `project-${i}` }),
};

function withDetail(name: string, detail: Record<string, unknown>): EventEnvelope {
  const base = fixture(name);
  return { ...base, detail: { ...base.detail, ...detail } };
}

export async function runAwsEvents(endpoint: string) {
  const stack = await benchStack(endpoint);
  try {
    const { services, meter } = stack;
    const now = Date.UTC(2026, 0, 1);
    const project = await services.access.createProject('bench', now);
    const principal: Principal = { projectId: project.id, keyId: 'bench', role: 'read-write' };
    for (let i = 0; i < WATCHERS; i += 1) {
      await services.jobs.create(
        principal,
        parseJobCreate({
          name: `watcher ${i}`,
          schedule: '0 2 * * *',
          grace_time: 30,
          aws_source: { kind: 'glue', job_name: `watched-${i}` },
        }),
        now,
      );
    }
    const perKind: Record<string, unknown> = {};
    for (const [kind, make] of Object.entries(KINDS)) {
      meter.label = kind;
      const outcomes: Record<string, number> = {};
      const started = performance.now();
      for (let i = 0; i < EVENTS; i += 1) {
        const result = await services.awsEvents.handle(make(i), now + i);
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      }
      const summary = summarize(meter.calls.filter((call) => call.label === kind));
      perKind[kind] = {
        outcomes,
        readUnitsPer1000: summary.read,
        writeUnitsPer1000: summary.write,
        callsPer1000: summary.calls,
        callsByCommand: summary.callsByCommand,
        msPerEvent: round((performance.now() - started) / EVENTS, 2),
      };
    }
    return {
      conditions:
        'DynamoDB Local in memory on a shared 2-core machine; units are what DynamoDB Local reports (eventually consistent GetItem/BatchGetItem of absent items); ms per event is indicative only',
      eventsPerKind: EVENTS,
      watchingJobs: WATCHERS,
      perKind,
    };
  } finally {
    stack.close();
  }
}
