import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CronSentryStack } from '../../infra/cronsentry-stack';
import { readInfraSettings } from '../../infra/settings';

/** A throw-away built dashboard: the stack refuses to synth without one. */
export function makeDashboardDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cronsentry-dashboard-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>CronSentry</title>');
  return dir;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: CronSentryStack;
  readonly template: Template;
  /** Logical id of a construct's CloudFormation resource, e.g. the ping function. */
  logicalId(construct: IConstruct): string;
}

const cleanups: string[] = [];

/**
 * Builds the stack the way infra/app.ts does, from context, but with bundling skipped (it costs
 * seconds per function and these tests look at the template, not the code) and everything written
 * to a temp folder that `removeSynthFolders` deletes.
 */
export function synthStack(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean; env?: { account: string; region: string } } = {},
): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cronsentry-cdk-'));
  cleanups.push(outdir);
  const dashboardDir = (context.dashboardDir as string | undefined) ?? makeDashboardDir();
  if (!context.dashboardDir) cleanups.push(dashboardDir);
  const fullContext: Record<string, unknown> = { ...context, dashboardDir };
  if (!options.bundle) fullContext['aws:cdk:bundling-stacks'] = [];
  const app = new App({ outdir, context: fullContext });
  const settings = readInfraSettings((key) => app.node.tryGetContext(key));
  const stack = new CronSentryStack(app, settings.stackName, {
    settings,
    stackName: settings.stackName,
    env: options.env,
  });
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    logicalId: (construct) => stack.getLogicalId(construct.node.defaultChild as CfnResource),
  };
}

export function removeSynthFolders(): void {
  for (const dir of cleanups.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface StatementJson {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every statement of every inline policy attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): StatementJson[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as StatementJson[]);
}

export function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
