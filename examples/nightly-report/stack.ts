import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerImage, FargateTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
// Users write: import { CronSentryMonitor, MonitorSource } from 'cronsentry/constructs';
import { CronSentryMonitor, MonitorSource } from '../../infra/monitor';

export interface NightlyReportStackProps extends StackProps {
  /** The CronSentry stack's output `TableName`. */
  readonly cronsentryTable: string;
  /** The CronSentry project the monitors belong to (`cronsentry projects list`). */
  readonly cronsentryProject: string;
}

/**
 * A team's own stack with its scheduled work and the monitors that watch it: a nightly ECS task,
 * an hourly Step Functions workflow, and a crontab job on a server that pings by curl.
 */
export class NightlyReportStack extends Stack {
  constructor(scope: Construct, id: string, props: NightlyReportStackProps) {
    super(scope, id, props);
    const where = { tableName: props.cronsentryTable, projectId: props.cronsentryProject };

    const cluster = new Cluster(this, 'Cluster', { vpc: new Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0 }) });
    const report = new FargateTaskDefinition(this, 'NightlyReport', { family: 'nightly-report' });
    report.addContainer('report', {
      containerName: 'report',
      image: ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
      command: ['sh', '-c', 'echo building the report'],
    });
    // A sidecar: it is stopped (exit 143) when the report exits, which must not count as a failure.
    report.addContainer('log-router', {
      containerName: 'log-router',
      image: ContainerImage.fromRegistry('public.ecr.aws/aws-observability/aws-for-fluent-bit:stable'),
      essential: false,
    });

    const export_ = new StateMachine(this, 'HourlyExport', {
      definitionBody: DefinitionBody.fromChainable(new Pass(this, 'Export')),
    });

    new CronSentryMonitor(this, 'NightlyReportMonitor', {
      ...where,
      name: 'Nightly report',
      schedule: 'cron(0 2 * * ? *)',
      grace: Duration.minutes(30),
      source: MonitorSource.ecsTask(report, cluster),
      tags: ['reports'],
    });
    new CronSentryMonitor(this, 'HourlyExportMonitor', {
      ...where,
      name: 'Hourly export',
      schedule: 'rate(1 hour)',
      grace: Duration.minutes(10),
      source: MonitorSource.stepFunction(export_),
    });
    new CronSentryMonitor(this, 'DatabaseBackupMonitor', {
      ...where,
      name: 'Database backup',
      schedule: '0 3 * * *',
      timezone: 'Europe/Berlin',
      grace: Duration.minutes(15),
      reminderEvery: Duration.hours(6),
    });
  }
}
