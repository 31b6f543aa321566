import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DUE_INDEX, OUTBOX_INDEX } from '../../shared/storage/table-definition';
import { HANDLER_ENTRIES, HandlerFunction } from './handler-function';
import type { CronSentryTable } from './table';

/** The EventBridge rate; one invocation sweeps for this long (CHECKER_WINDOW_SECONDS). */
export const CHECKER_WINDOW = Duration.minutes(1);
/**
 * Room after the window for the last sweep to finish its writes and publishes. The window holds six
 * 10-second sweeps; a timeout of window + margin lets the sixth complete instead of being killed.
 * A sweep's publish leases last that long (CHECKER_TIMEOUT_MS, shared/app/checker.ts), so that no
 * drain of an invocation outlives them: change the two together.
 */
const CHECKER_MARGIN = Duration.seconds(30);

export interface CheckerProps {
  readonly table: CronSentryTable;
  readonly alertsTopicArn: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Reserved concurrency. AWS refuses any reservation that leaves the account fewer than 100
   * unreserved executions, so a new account (quota 10) cannot have one.
   * @default - none: the checker runs from the account's shared pool
   */
  readonly reservedConcurrency?: number;
}

/**
 * The missing-job checker: an EventBridge rule fires every minute, and the invocation sweeps the
 * `due` and `outbox` indexes within that minute (it returns at once when nothing is due).
 * No reserved concurrency by default (see `reservedConcurrency`). Without one, an invocation that
 * overruns its minute can overlap the next: that is safe, since every flip is a conditional write on
 * the state its writer saw and exactly one of two racing checkers wins it (test/concurrency/races.test.ts,
 * "two sweeps racing on a due job record exactly one missing flip"); the overlap only repeats reads.
 */
export class Checker extends Construct {
  readonly handler: HandlerFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: CheckerProps) {
    super(scope, id);
    const table = props.table.table;

    this.handler = new HandlerFunction(this, 'Checker', {
      entry: HANDLER_ENTRIES.checker,
      description: 'CronSentry checker: flips jobs whose deadline passed, publishes pending flips',
      environment: { ...props.environment, CHECKER_WINDOW_SECONDS: String(CHECKER_WINDOW.toSeconds()) },
      timeout: CHECKER_WINDOW.plus(CHECKER_MARGIN),
      reservedConcurrentExecutions: props.reservedConcurrency,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    // A tick that could not start within a minute (throttled: a full account, or a reservation of 1
    // behind a still-running checker) is
    // worthless: the next tick is already there. Drop it instead of letting Lambda retry it for hours.
    this.handler.function.configureAsyncInvoke({ maxEventAge: Duration.minutes(1), retryAttempts: 0 });

    this.handler.role.addToPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [DUE_INDEX, OUTBOX_INDEX].map((name) => indexArn(props.table, name)),
      }),
    );
    this.handler.role.addToPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
        resources: [table.tableArn],
      }),
    );
    this.handler.role.addToPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [props.alertsTopicArn] }));

    // Maintenance windows and the outage guard's per-minute ping counts are items of the base
    // table read with Query (a project's windows, a range of minutes).
    this.handler.role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [table.tableArn] }));

    this.rule = new Rule(this, 'EveryMinute', {
      description: 'Wakes the CronSentry checker once a minute',
      schedule: Schedule.rate(CHECKER_WINDOW),
      targets: [new LambdaFunction(this.handler.function, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
  }

  /**
   * The outage guard's settings: the public URL its canary pings through every minute, and the
   * operator topic its one alert per outage goes to (the checker may publish there, nowhere else new).
   */
  guardIntake(props: { readonly canaryUrl: string; readonly operatorTopicArn: string }): void {
    this.handler.function.addEnvironment('CRONSENTRY_CANARY_URL', props.canaryUrl);
    this.handler.function.addEnvironment('OPERATOR_TOPIC_ARN', props.operatorTopicArn);
    this.handler.role.addToPolicy(
      new PolicyStatement({ actions: ['sns:Publish'], resources: [props.operatorTopicArn] }),
    );
  }
}

function indexArn(table: CronSentryTable, name: string): string {
  const arn = table.indexArns[name];
  if (!arn) throw new Error(`The table definition has no index named ${name}`);
  return arn;
}
