import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CronSentryStack } from './cronsentry-stack';
import { readInfraSettings } from './settings';

/**
 * `npx cdk synth` / `npx cdk deploy` start here (cdk.json). Everything a user can set comes from
 * CDK context (`-c key=value`), see infra/settings.ts and docs/deploy.md.
 */
const app = new App();
const settings = readInfraSettings((key) => app.node.tryGetContext(key));

new CronSentryStack(app, settings.stackName, {
  settings,
  stackName: settings.stackName,
  description: 'CronSentry: tells you when a scheduled job did not run',
  // Account and region of the CLI's credentials when it has them; without them the template stays
  // environment-agnostic, and synth never looks anything up (it runs offline).
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

// cdk-nag's AWS Solutions rules run on every synth; a finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
