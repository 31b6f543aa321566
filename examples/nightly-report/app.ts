import { App } from 'aws-cdk-lib';
import { NightlyReportStack } from './stack';

/**
 * `npx cdk synth --app 'npx tsx examples/nightly-report/app.ts' -c cronsentryTable=<TableName> -c cronsentryProject=<id>`
 */
const app = new App();
new NightlyReportStack(app, 'NightlyReport', {
  cronsentryTable: app.node.tryGetContext('cronsentryTable') ?? 'CronSentry-StorageTable',
  cronsentryProject: app.node.tryGetContext('cronsentryProject') ?? 'local',
});
