import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NOTICE_PARKED_ALARM } from '../../shared/app/dead-letters';

export interface MonitoringProps {
  readonly checker: IFunction;
  readonly failureQueue: IQueue;
  readonly httpApi: HttpApi;
  /** Log groups of the functions that publish notices to the alerts topic (ping, api, checker). */
  readonly publisherLogGroups?: readonly ILogGroup[];
  /** @default - no subscription; subscribe to the OperatorTopicArn output yourself */
  readonly operatorEmail?: string;
  /**
   * Share of API requests answered with a 5xx, in percent, above which the API alarm fires.
   * @default 5
   */
  readonly serverErrorPercent?: number;
  /**
   * Fewer requests than this in five minutes never raise the 5xx alarm: one failed request out of
   * three is noise, not an outage.
   * @default 10
   */
  readonly serverErrorMinRequests?: number;
}

/**
 * Who watches the watcher: the checker is the one component whose silence means no alert reaches
 * anyone, so the stack alarms when it fails, when it stops running, when alerts cannot be
 * delivered, and when the API fails. Alarms (and their recovery) go to the operator topic.
 */
export class Monitoring extends Construct {
  readonly operatorTopic: Topic;
  readonly checkerErrors: Alarm;
  readonly checkerNotRunning: Alarm;
  readonly deliveryFailures: Alarm;
  readonly apiServerErrors: Alarm;
  readonly parkedNotices: Alarm;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    this.operatorTopic = new Topic(this, 'OperatorTopic', {
      displayName: 'CronSentry operator alarms',
      enforceSSL: true,
    });
    if (props.operatorEmail) this.operatorTopic.addSubscription(new EmailSubscription(props.operatorEmail));

    this.checkerErrors = new Alarm(this, 'CheckerErrors', {
      alarmDescription: 'The CronSentry checker failed: missing jobs may not be detected.',
      metric: props.checker.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Silence is the failure here: no invocation means no data point, so missing data breaches.
    // Three one-minute periods tolerate one tick whose metric lands in the neighbouring minute.
    this.checkerNotRunning = new Alarm(this, 'CheckerNotRunning', {
      alarmDescription: 'The CronSentry checker has not run for 3 minutes: no missing job is being detected.',
      metric: props.checker.metricInvocations({ period: Duration.minutes(1), statistic: 'Sum' }),
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: TreatMissingData.BREACHING,
    });

    // SQS publishes its metrics every five minutes; a shorter period would only see gaps.
    this.deliveryFailures = new Alarm(this, 'DeliveryFailures', {
      alarmDescription: 'Alerts could not be delivered after retries: see the delivery failure queue.',
      metric: props.failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const minRequests = props.serverErrorMinRequests ?? 10;
    this.apiServerErrors = new Alarm(this, 'ApiServerErrors', {
      alarmDescription: 'The CronSentry API answers too many requests with 5xx: pings may be lost.',
      metric: new MathExpression({
        label: '5xx share of requests (%)',
        expression: `IF(requests >= ${minRequests}, 100 * errors / requests, 0)`,
        usingMetrics: {
          errors: props.httpApi.metricServerError({ statistic: 'Sum' }),
          requests: props.httpApi.metricCount({ statistic: 'Sum' }),
        },
        period: Duration.minutes(5),
      }),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: props.serverErrorPercent ?? 5,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // A notice the alerts topic kept refusing is parked with one `error` line carrying
    // `"alarm": "notice_parked"` (shared/app/dead-letters.ts); one such line is one alert nobody got.
    const parked = { namespace: 'CronSentry', metricName: 'ParkedNotices' };
    (props.publisherLogGroups ?? []).forEach(
      (logGroup, index) =>
        new MetricFilter(this, `ParkedNoticesFilter${index}`, {
          logGroup,
          metricNamespace: parked.namespace,
          metricName: parked.metricName,
          filterPattern: FilterPattern.stringValue('$.alarm', '=', NOTICE_PARKED_ALARM),
          metricValue: '1',
        }),
    );
    this.parkedNotices = new Alarm(this, 'ParkedNotices', {
      alarmDescription:
        'A notice could not be published to the alerts topic and was parked: see GET /api/deliveries (channel alerts-topic).',
      metric: new Metric({ ...parked, period: Duration.minutes(5), statistic: 'Sum' }),
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const action = new SnsAction(this.operatorTopic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  get alarms(): Alarm[] {
    return [
      this.checkerErrors,
      this.checkerNotRunning,
      this.deliveryFailures,
      this.apiServerErrors,
      this.parkedNotices,
    ];
  }
}
