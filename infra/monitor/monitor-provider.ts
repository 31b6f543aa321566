import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { HANDLER_ENTRIES, HandlerFunction } from '../constructs/handler-function';

/**
 * One custom-resource provider per stack and CronSentry table: a function that writes jobs with
 * its own IAM rights on that table (the root of trust, as for the CLI's `--table` mode).
 */
export class MonitorProvider extends Construct {
  readonly provider: Provider;
  readonly handler: HandlerFunction;

  static for(scope: Construct, tableName: string): MonitorProvider {
    const stack = Stack.of(scope);
    const id = `CronSentryMonitorProvider${stack.resolve(tableName) === tableName ? `-${tableName}` : ''}`;
    return (stack.node.tryFindChild(id) as MonitorProvider | undefined) ?? new MonitorProvider(stack, id, tableName);
  }

  private constructor(scope: Construct, id: string, tableName: string) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Monitor', {
      entry: HANDLER_ENTRIES.monitor,
      description: 'CronSentry monitors as code: creates, updates and deletes jobs',
      environment: { TABLE_NAME: tableName, LOG_LEVEL: 'INFO' },
      timeout: Duration.seconds(30),
      logRetention: RetentionDays.ONE_MONTH,
      logRemovalPolicy: RemovalPolicy.DESTROY,
    });
    // What creating, changing and deleting a job touches: items of the table by key, the project's
    // and the job's own partitions (Query), nothing of the indexes, no Scan.
    this.handler.role.addToPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
        ],
        resources: [Stack.of(this).formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName })],
      }),
    );
    this.provider = new Provider(this, 'Provider', { onEventHandler: this.handler.function });
  }
}
