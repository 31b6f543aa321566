import { CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { fromAwsScheduleExpression } from '../../shared/domain/aws-schedule-expression';
import { parseSchedule } from '../../shared/domain/schedule';
import { MonitorProvider } from './monitor-provider';
import type { MonitorSource } from './monitor-source';

export interface CronSentryMonitorProps {
  /** The CronSentry stack's table (its output `TableName`), in this stack's account and region. */
  readonly tableName: string;
  /** The project the job belongs to (`cronsentry projects list`). */
  readonly projectId: string;
  /**
   * When the job runs: `cron(0 2 * * ? *)` or `rate(1 hour)` as EventBridge rules and Scheduler
   * write them, a five-field cron (`0 2 * * *`) or `every 10m`. `at(…)` is refused: it does not recur.
   */
  readonly schedule: string;
  /** How late a run may be before the job is missing (and how long a started run may take). */
  readonly grace: Duration;
  /** @default 'UTC' */
  readonly timezone?: string;
  /** @default the construct's id */
  readonly name?: string;
  /** @default '' */
  readonly description?: string;
  /** @default [] */
  readonly tags?: string[];
  /** The AWS resource whose state changes ping the job. @default - none: pinged by curl or the CLI */
  readonly source?: MonitorSource;
  /** Channel ids alerts go to. @default - the project's default channels */
  readonly channels?: string[];
  /** Remind this often while the job is down. @default - never */
  readonly reminderEvery?: Duration;
}

/**
 * A CronSentry job declared next to the infrastructure it watches. It is created, changed and
 * deleted with the stack, through a custom resource whose function has IAM rights on the CronSentry
 * table: no API key in the template. A schedule given as a plain string is checked at synth.
 */
export class CronSentryMonitor extends Construct {
  /** The job's id (its ping URL is `<CronSentry URL>/api/ping/<jobId>`). */
  readonly jobId: string;

  constructor(scope: Construct, id: string, props: CronSentryMonitorProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.schedule)) {
      // Fail at synth, not half-way through a deployment.
      parseSchedule(fromAwsScheduleExpression(props.schedule), props.timezone ?? 'UTC');
    }
    const job = {
      name: props.name ?? id,
      description: props.description ?? '',
      schedule: props.schedule,
      timezone: props.timezone ?? 'UTC',
      grace_time: `${props.grace.toSeconds()}s`,
      tags: props.tags ?? [],
      aws_source: props.source?.json ?? null,
      reminder_every: props.reminderEvery ? `${props.reminderEvery.toSeconds()}s` : null,
      ...(props.channels ? { channels: props.channels } : {}),
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: MonitorProvider.for(this, props.tableName).provider.serviceToken,
      resourceType: 'Custom::CronSentryMonitor',
      properties: { ProjectId: props.projectId, Job: Stack.of(this).toJsonString(job) },
    });
    this.jobId = resource.getAttString('JobId');
  }
}
