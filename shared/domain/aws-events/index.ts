import { decodeBatch } from './batch';
import { decodeCodeBuild } from './codebuild';
import { decodeEcs } from './ecs';
import { decodeGlue } from './glue';
import { type AwsRun, type AwsSignal, type EventEnvelope } from './run';
import type { AwsSource } from './source';
import { decodeStepFunctions } from './step-functions';

export type { AwsRun, AwsSignal, EventEnvelope } from './run';
export * from './source';

/**
 * The state-change events CronSentry turns into signals, by source and detail-type. The CDK rule
 * matches exactly these (infra/constructs/aws-events.ts reads this table), so the function is never
 * invoked for anything else in the account.
 */
export const AWS_EVENT_TYPES = [
  {
    source: 'aws.ecs',
    detailType: 'ECS Task State Change',
    field: 'lastStatus',
    states: ['RUNNING', 'STOPPED'],
    decode: decodeEcs,
  },
  {
    source: 'aws.batch',
    detailType: 'Batch Job State Change',
    field: 'status',
    states: ['RUNNING', 'SUCCEEDED', 'FAILED'],
    decode: decodeBatch,
  },
  {
    source: 'aws.states',
    detailType: 'Step Functions Execution Status Change',
    field: 'status',
    states: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
    decode: decodeStepFunctions,
  },
  {
    source: 'aws.glue',
    detailType: 'Glue Job State Change',
    field: 'state',
    states: ['SUCCEEDED', 'FAILED', 'TIMEOUT', 'STOPPED'],
    decode: decodeGlue,
  },
  {
    source: 'aws.codebuild',
    detailType: 'CodeBuild Build State Change',
    field: 'build-status',
    states: ['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED'],
    decode: decodeCodeBuild,
  },
] as const;

export type DecodeResult =
  { readonly ok: true; readonly run: AwsRun } | { readonly ok: false; readonly problem: 'unsupported' | 'malformed' };

/** Reads one envelope: the run it is about, or why it cannot be read. */
export function decodeAwsEvent(envelope: EventEnvelope): DecodeResult {
  const type = AWS_EVENT_TYPES.find(
    (candidate) => candidate.source === envelope.source && candidate.detailType === envelope['detail-type'],
  );
  if (!type) return { ok: false, problem: 'unsupported' };
  const run = type.decode(envelope);
  return run ? { ok: true, run } : { ok: false, problem: 'malformed' };
}

/** The signal a run's event becomes for a job watching it through `source`; none for in-between states. */
export function signalOf(run: AwsRun, source: AwsSource | undefined): AwsSignal | undefined {
  if (run.phase === 'ignore') return undefined;
  const head = `${run.service} ${run.state}`;
  if (run.phase === 'start') return { kind: 'start', body: [head, ...run.details].join('\n') };
  const judgement = run.judge(source);
  return {
    kind: judgement.succeeded ? 'success' : 'fail',
    ...(judgement.exitCode !== undefined ? { exitCode: judgement.exitCode } : {}),
    ...(judgement.reason ? { reason: judgement.reason } : {}),
    body: [head, ...run.details].join('\n'),
  };
}
