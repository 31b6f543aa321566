import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAwsEvent,
  familyOf,
  matchKeyOf,
  matchKeys,
  resourceName,
  signalOf,
  type AwsSource,
} from '../../shared/domain/aws-events';
import { judgeStoppedTask } from '../../shared/domain/aws-events/ecs';
import { fixture, fixtureNames } from './fixtures';

const ECS_SOURCE: AwsSource = { kind: 'ecs', cluster: 'default', taskDefinitionFamily: 'nightly-report' };

/** Every documented sample event and the signal it must become (the mapping table). */
const EXPECTED: Record<string, { kind?: 'start' | 'success' | 'fail'; exitCode?: number; reason?: RegExp }> = {
  'ecs/pending': {},
  'ecs/running': { kind: 'start' },
  'ecs/stopped-success': { kind: 'success', exitCode: 0 },
  'ecs/stopped-exit-1': {
    kind: 'fail',
    exitCode: 1,
    reason: /^container report: Essential container in task exited$/,
  },
  'ecs/stopped-sidecar-143': { kind: 'fail', exitCode: 143, reason: /container log-router/ },
  'ecs/stopped-failed-to-start': { kind: 'fail', reason: /CannotPullContainerError/ },
  'batch/runnable': {},
  'batch/running': { kind: 'start' },
  'batch/succeeded': { kind: 'success', exitCode: 0 },
  'batch/failed': { kind: 'fail', exitCode: 3, reason: /Essential container in task exited: OutOfMemoryError/ },
  'stepfunctions/running': { kind: 'start' },
  'stepfunctions/succeeded': { kind: 'success' },
  'stepfunctions/failed': { kind: 'fail', reason: /^execution failed: States\.TaskFailed: Lambda function/ },
  'stepfunctions/timed-out': { kind: 'fail', reason: /^execution timed out: States\.Timeout/ },
  'stepfunctions/aborted': { kind: 'fail', reason: /^execution aborted$/ },
  'glue/succeeded': { kind: 'success' },
  'glue/failed': { kind: 'fail', reason: /^job run FAILED: AnalysisException/ },
  'glue/timeout': { kind: 'fail', reason: /^job run TIMEOUT/ },
  'glue/stopped': { kind: 'fail', reason: /^job run STOPPED/ },
  'codebuild/in-progress': { kind: 'start' },
  'codebuild/succeeded': { kind: 'success' },
  'codebuild/failed': { kind: 'fail', reason: /^build FAILED: BUILD: COMMAND_EXECUTION_ERROR.*exit status 1$/ },
  'codebuild/fault': { kind: 'fail', reason: /^build FAULT/ },
  'codebuild/timed-out': { kind: 'fail', reason: /^build TIMED_OUT/ },
  'codebuild/stopped': { kind: 'fail', reason: /^build STOPPED/ },
};

describe('AWS state-change events → signals (the documented sample events)', () => {
  it('has an expectation for every fixture, and a fixture for every expectation', () => {
    expect(fixtureNames()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    const decoded = decodeAwsEvent(fixture(name));
    if (!decoded.ok) throw new Error(`${name} did not decode: ${decoded.problem}`);
    const signal = signalOf(decoded.run, name.startsWith('ecs/') ? ECS_SOURCE : undefined);
    expect(signal?.kind).toBe(expected.kind);
    if (!signal) return;
    expect(signal.exitCode).toBe(expected.exitCode);
    if (expected.reason) expect(signal.reason).toMatch(expected.reason);
    else expect(signal.reason).toBeUndefined();
    // The run's ARN is in the body, with the reason and exit codes the event gave.
    expect(signal.body).toContain(decoded.run.runArn);
    if (signal.reason) expect(signal.reason.length).toBeLessThanOrEqual(200);
  });

  it('pairs start and finish by the run ARN (task, job, execution, build)', () => {
    const pairs = [
      ['ecs/running', 'ecs/stopped-exit-1'],
      ['batch/running', 'batch/failed'],
      ['stepfunctions/running', 'stepfunctions/succeeded'],
      ['codebuild/in-progress', 'codebuild/failed'],
    ];
    for (const [start, end] of pairs) {
      const a = decodeAwsEvent(fixture(start!));
      const b = decodeAwsEvent(fixture(end!));
      expect(a.ok && b.ok && a.run.runArn === b.run.runArn).toBe(true);
      expect(a.ok && a.run.runArn).toMatch(/^arn:aws:/);
    }
  });

  it('finds the watching job under the same key the job claims', () => {
    const cases: [string, AwsSource][] = [
      ['ecs/running', ECS_SOURCE],
      ['batch/failed', { kind: 'batch', jobDefinition: 'first-run-job-definition' }],
      ['batch/failed', { kind: 'tag', key: 'cronsentry', value: 'nightly-report' }],
      [
        'stepfunctions/failed',
        { kind: 'stepfunctions', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nightly-report' },
      ],
      ['glue/failed', { kind: 'glue', jobName: 'nightly-report-etl' }],
      ['codebuild/failed', { kind: 'codebuild', projectName: 'my-sample-project' }],
    ];
    for (const [name, source] of cases) {
      const decoded = decodeAwsEvent(fixture(name));
      expect(decoded.ok && decoded.run.matchKeys).toContain(matchKeyOf(source));
    }
  });

  it('an ECS job that names its essential containers ignores a sidecar stopped with 143', () => {
    const decoded = decodeAwsEvent(fixture('ecs/stopped-sidecar-143'));
    if (!decoded.ok) throw new Error('did not decode');
    expect(signalOf(decoded.run, { ...ECS_SOURCE, essentialContainers: ['report'] })).toMatchObject({
      kind: 'success',
      exitCode: 0,
    });
  });

  it('says which envelopes it cannot read', () => {
    const ecs = fixture('ecs/running');
    expect(decodeAwsEvent({ ...ecs, source: 'aws.ec2' })).toEqual({ ok: false, problem: 'unsupported' });
    expect(decodeAwsEvent({ ...ecs, detail: { lastStatus: 'RUNNING' } })).toEqual({ ok: false, problem: 'malformed' });
  });
});

describe('ECS: which stopped tasks succeeded', () => {
  it.each([
    { containers: [{ name: 'a', exitCode: 0 }], succeeded: true },
    {
      containers: [
        { name: 'a', exitCode: 0 },
        { name: 'b', exitCode: 2 },
      ],
      succeeded: false,
      exitCode: 2,
    },
    { containers: [{ name: 'a' }], succeeded: false },
    { containers: [], succeeded: false },
    { containers: [{ name: 'a', exitCode: 0 }, { name: 'b' }], essential: ['a'], succeeded: true },
  ])('$containers (essential $essential) → succeeded $succeeded', ({ containers, essential, succeeded, exitCode }) => {
    const judgement = judgeStoppedTask(containers, 'Essential container in task exited', essential);
    expect(judgement.succeeded).toBe(succeeded);
    if (exitCode !== undefined) expect(judgement.exitCode).toBe(exitCode);
  });

  it('fails whenever any deciding container exits non-zero (property)', () => {
    const container = fc.record({
      name: fc.string({ minLength: 1, maxLength: 8 }),
      exitCode: fc.option(fc.nat(255), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(container, { maxLength: 6 }), (containers) => {
        const judgement = judgeStoppedTask(containers, undefined);
        const allZero = containers.length > 0 && containers.every((c) => c.exitCode === 0);
        expect(judgement.succeeded).toBe(allZero);
      }),
    );
  });
});

describe('match keys and names', () => {
  it.each([
    ['arn:aws:ecs:us-east-1:123456789012:cluster/default', 'default'],
    ['default', 'default'],
    ['arn:aws:ecs:us-east-1:123456789012:task-definition/nightly-report:4', 'nightly-report:4'],
  ])('resourceName(%s) = %s', (input, name) => expect(resourceName(input)).toBe(name));

  it.each([
    ['arn:aws:ecs:us-east-1:123456789012:task-definition/nightly-report:4', 'nightly-report'],
    ['nightly-report:12', 'nightly-report'],
    ['nightly-report', 'nightly-report'],
  ])('familyOf(%s) = %s', (input, family) => expect(familyOf(input)).toBe(family));

  it('two different tags never share a key, whatever their characters (property)', () => {
    const part = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(part, part, part, part, (k1, v1, k2, v2) => {
        fc.pre(k1 !== k2 || v1 !== v2);
        expect(matchKeys.tag(k1, v1)).not.toBe(matchKeys.tag(k2, v2));
      }),
    );
  });
});
