import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { NightlyReportStack } from '../../examples/nightly-report/stack';
import { CronSentryMonitor } from '../../infra/monitor';
import { asArray } from '../infra/support';

vi.setConfig({ testTimeout: 120_000 });
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function app() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cronsentry-example-'));
  outdirs.push(outdir);
  return new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
}

describe('the example stack (examples/nightly-report)', () => {
  const example = app();
  const stack = new NightlyReportStack(example, 'NightlyReport', {
    cronsentryTable: 'CronSentry-Table',
    cronsentryProject: 'p-123',
  });
  const template = Template.fromStack(stack);
  const monitors = template.findResources('Custom::CronSentryMonitor');
  const jobs = Object.values(monitors).map((m) => ({
    project: m.Properties.ProjectId as string,
    job: JSON.parse(JSON.stringify(stack.resolve(m.Properties.Job))) as unknown,
  }));

  it('synthesizes a cloud assembly', () => {
    const assembly = example.synth();
    expect(assembly.getStackByName('NightlyReport').template.Resources).toBeDefined();
  });

  it('declares three jobs in the project, with the schedules as written and the sources resolved', () => {
    expect(jobs).toHaveLength(3);
    expect(new Set(jobs.map((j) => j.project))).toEqual(new Set(['p-123']));
    const text = JSON.stringify(jobs.map((j) => j.job));
    expect(text).toContain('cron(0 2 * * ? *)');
    expect(text).toContain('rate(1 hour)');
    expect(text).toContain('Europe/Berlin');
    // The ECS source names the task's essential container only, not the sidecar.
    expect(text).toContain('\\"task_definition_family\\":\\"nightly-report\\"');
    expect(text).toContain('\\"essential_containers\\":[\\"report\\"]');
    expect(text).toContain('\\"grace_time\\":\\"1800s\\"');
    expect(text).toContain('\\"reminder_every\\":\\"21600s\\"');
  });

  it('shares one provider whose function may touch only the CronSentry table, by key, without an API key', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { TABLE_NAME: 'CronSentry-Table' } } },
    });
    expect(Object.keys(functions)).toHaveLength(1);
    const role = (Object.values(functions)[0]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(role),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
    const dynamo = statements.filter((s) => asArray(s.Action as string[]).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(asArray(dynamo[0]!.Action as string[]).sort()).toEqual(
      ['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'].map((a) => `dynamodb:${a}`),
    );
    expect(JSON.stringify(dynamo[0]!.Resource)).toContain(':table/CronSentry-Table');
    expect(JSON.stringify(template.toJSON())).not.toMatch(/csk_/);
    template.resourceCountIs('Custom::CronSentryMonitor', 3);
    template.hasResourceProperties('Custom::CronSentryMonitor', { ServiceToken: Match.anyValue() });
  });
});

describe('CronSentryMonitor', () => {
  const base = { tableName: 't', projectId: 'p', grace: Duration.minutes(5) };

  it.each([
    ['at(2026-01-01T00:00:00)', /one-time schedule/],
    ['cron(0 2 * * ?)', /six fields/],
    ['61 * * * *', /./],
  ])('refuses the schedule %s at synth', (schedule, message) => {
    const stack = new Stack(app(), 'S');
    expect(() => new CronSentryMonitor(stack, 'M', { ...base, schedule })).toThrow(message);
  });
});
