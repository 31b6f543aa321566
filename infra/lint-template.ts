/**
 * `npm run lint:template`: synthesizes the stack's CloudFormation template (bundling skipped: the
 * functions' code does not change the template's shape) and checks it with cfn-lint, which knows
 * AWS's resource specification: property names, types, allowed values, ARN shapes, IAM actions.
 * Two variants, so that what only optional settings add is linted too. Errors fail; warnings are
 * shown (CDK's own output carries a few W3005 that are harmless).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { CronSentryStack } from './cronsentry-stack';
import { readInfraSettings } from './settings';

const VARIANTS: Record<string, Record<string, string>> = {
  defaults: {},
  'every option': {
    alertEmailFrom: 'alerts@example.com',
    sesSandboxRecipients: 'oncall@example.com',
    operatorEmail: 'ops@example.com',
    corsOrigins: 'https://admin.example.com',
    publicUrl: 'https://cron.example.com',
    snsChannelTopics: 'cronsentry-*,arn:aws:sns:eu-central-1:111122223333:team-alerts',
  },
};

const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
if (version.error || version.status !== 0) {
  console.error(
    'cfn-lint is missing, so the CloudFormation template cannot be checked. Install it (Python): ' +
      '`pip install cfn-lint` (1.51 or newer; the npm package of that name is an unrelated old port).',
  );
  process.exit(1);
}
console.log(version.stdout.trim());

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cronsentry-lint-'));
let failed = false;
try {
  // The stack refuses to synth without a built dashboard; its content does not matter here.
  const dashboardDir = path.join(work, 'dashboard');
  fs.mkdirSync(dashboardDir);
  fs.writeFileSync(path.join(dashboardDir, 'index.html'), '<!doctype html><title>CronSentry</title>');
  for (const [name, context] of Object.entries(VARIANTS)) {
    const outdir = path.join(work, name.replace(/\W+/g, '-'));
    const app = new App({ outdir, context: { ...context, dashboardDir, 'aws:cdk:bundling-stacks': [] } });
    const settings = readInfraSettings((key) => app.node.tryGetContext(key));
    new CronSentryStack(app, settings.stackName, { settings, stackName: settings.stackName });
    const template = path.join(app.synth().directory, `${settings.stackName}.template.json`);
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', '--', template], { encoding: 'utf8' });
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational; 1 a failure of its own.
    const code = lint.status ?? 1;
    const findings = lint.stdout.trim().split('\n').filter(Boolean);
    const errors = findings.filter((line) => /:E\d{4}:/.test(line));
    console.log(`cfn-lint (${name}): ${errors.length} errors, ${findings.length - errors.length} other findings`);
    for (const line of findings) console.log(`  ${line.replace(template, 'template')}`);
    if (code & 3) {
      failed = true;
      if (lint.stderr) console.error(lint.stderr);
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
