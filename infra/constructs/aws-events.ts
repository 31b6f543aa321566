import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AWS_EVENT_TYPES } from '../../shared/domain/aws-events';
import { HANDLER_ENTRIES, HandlerFunction } from './handler-function';
import type { CronSentryTable } from './table';

export interface AwsEventSourcesProps {
  readonly table: CronSentryTable;
  /** Topic flips are published to (an event may fail a job). */
  readonly alertsTopicArn: string;
  /** Settings every handler reads (TABLE_NAME, LOG_LEVEL, ALERTS_TOPIC_ARN...). */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * ECS, Batch, Step Functions, Glue and CodeBuild state changes as pings (`awsEvents`, docs/aws-events.md):
 * one rule per event type on the account's default bus, each matching its source, its
 * detail-type and only the states that start or end a run, so that the account's other events
 * (and a task's PENDING, PROVISIONING… changes) never invoke the events function.
 */
export class AwsEventSources extends Construct {
  readonly handler: HandlerFunction;
  readonly rules: Rule[];

  constructor(scope: Construct, id: string, props: AwsEventSourcesProps) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Events', {
      entry: HANDLER_ENTRIES.events,
      description: 'CronSentry events: AWS state-change events as pings',
      environment: props.environment,
      timeout: Duration.seconds(10),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    // A claim lookup (GetItem, or BatchGetItem for a Batch job's tags), then what a ping does:
    // single-item reads and writes and a Query of the job's own newest log entries. No index,
    // no delete, no scan.
    this.handler.role.addToPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
        ],
        resources: [props.table.table.tableArn],
      }),
    );
    this.handler.role.addToPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [props.alertsTopicArn] }));

    const target = new LambdaFunction(this.handler.function, {
      // A state change is worth a retry for a while; older than this, the checker has judged the run already.
      retryAttempts: 8,
      maxEventAge: Duration.hours(2),
    });
    this.rules = AWS_EVENT_TYPES.map(
      (type) =>
        new Rule(this, type.detailType.replaceAll(' ', ''), {
          description: `CronSentry: ${type.detailType} (${type.states.join(', ')}) as pings`,
          eventPattern: {
            source: [type.source],
            detailType: [type.detailType],
            detail: { [type.field]: [...type.states] },
          },
          targets: [target],
        }),
    );
  }
}
