import path from 'node:path';
import { Aws, CfnOutput, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Alerts } from './constructs/alerts';
import { AwsEventSources } from './constructs/aws-events';
import { Checker } from './constructs/checker';
import { DashboardHosting } from './constructs/dashboard-hosting';
import type { HandlerFunction } from './constructs/handler-function';
import { CronSentryApi } from './constructs/http-api';
import { Monitoring } from './constructs/monitoring';
import { CronSentryTable } from './constructs/table';
import { REPOSITORY_ROOT } from './paths';
import type { InfraSettings } from './settings';

export interface CronSentryStackProps extends StackProps {
  readonly settings: InfraSettings;
}

/**
 * CronSentry in one stack: table, HTTP API with the ping and api functions, the checker, the alert
 * fan-out with the notifier, the dashboard on CloudFront, and the alarms that watch all of it.
 */
export class CronSentryStack extends Stack {
  readonly table: CronSentryTable;
  readonly api: CronSentryApi;
  readonly checker: Checker;
  readonly alerts: Alerts;
  /** Absent with `-c dashboard=false`. */
  readonly dashboard?: DashboardHosting;
  readonly monitoring: Monitoring;
  /** Present when the `awsEvents` setting is on. */
  readonly awsEvents?: AwsEventSources;

  constructor(scope: Construct, id: string, props: CronSentryStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const logRetention = settings.logRetentionDays as RetentionDays;
    const logRemovalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.table = new CronSentryTable(this, 'Storage', { retainData: settings.retainData });

    // Settings every handler reads through shared/config.ts; handler-specific ones are added by
    // the construct that owns the handler.
    const environment = {
      TABLE_NAME: this.table.table.tableName,
      LOG_LEVEL: settings.logLevel,
      PING_LOG_DAYS: String(settings.pingLogDays),
      ALERT_ALLOW_PRIVATE_TARGETS: String(settings.privateAlertTargets),
    };

    this.alerts = new Alerts(this, 'Alerts', {
      table: this.table,
      environment,
      alertEmailFrom: settings.alertEmailFrom,
      sesSandboxRecipients: settings.sesSandboxRecipients,
      channelTopics: settings.snsChannelTopics,
      logRetention,
      logRemovalPolicy,
    });
    const withTopic = { ...environment, ALERTS_TOPIC_ARN: this.alerts.topic.topicArn };

    this.api = new CronSentryApi(this, 'Api', {
      table: this.table,
      alertsTopicArn: this.alerts.topic.topicArn,
      environment: withTopic,
      throttleRateLimit: settings.throttleRateLimit,
      throttleBurstLimit: settings.throttleBurstLimit,
      corsOrigins: settings.corsOrigins,
      logRetention,
      logRemovalPolicy,
    });

    // Channel test messages (POST /api/channels/{id}/test) are sent by the api function itself.
    this.alerts.allowChannelDelivery(this.api.apiFunction);

    this.checker = new Checker(this, 'Checker', {
      table: this.table,
      alertsTopicArn: this.alerts.topic.topicArn,
      environment: withTopic,
      logRetention,
      logRemovalPolicy,
      reservedConcurrency: settings.checkerReservedConcurrency,
    });

    if (settings.dashboard) {
      // The random part of the stack id: unguessable, known only inside the account, and free of any
      // extra resource. CloudFront sends it to the API; the ping function trusts the viewer address
      // CloudFront forwards only next to it (functions/ping/viewer-address.ts).
      const originSecret = Fn.select(2, Fn.split('/', Aws.STACK_ID));
      this.dashboard = new DashboardHosting(this, 'Dashboard', {
        dashboardDir: path.resolve(REPOSITORY_ROOT, settings.dashboardDir),
        apiDomainName: this.api.domainName,
        originSecret,
      });
      this.api.pingFunction.function.addEnvironment('CRONSENTRY_ORIGIN_SECRET', originSecret);
    }

    // Ping URLs and dashboard links point at the one public origin: CloudFront, or without the
    // dashboard the HTTP API itself. The functions learn it only after the distribution exists; that
    // is no cycle, since the distribution depends on the API resource alone, not on its routes or
    // functions.
    const publicUrl = settings.publicUrl ?? this.dashboard?.url ?? this.api.url;
    const handlers: HandlerFunction[] = [
      this.api.pingFunction,
      this.api.apiFunction,
      this.api.badgeFunction,
      this.checker.handler,
      this.alerts.notifier,
    ];
    if (settings.awsEvents) {
      this.awsEvents = new AwsEventSources(this, 'AwsEvents', {
        table: this.table,
        alertsTopicArn: this.alerts.topic.topicArn,
        environment: withTopic,
        logRetention,
        logRemovalPolicy,
      });
      handlers.push(this.awsEvents.handler);
    }
    for (const handler of handlers) {
      handler.function.addEnvironment('CRONSENTRY_PUBLIC_URL', publicUrl);
      if (!this.dashboard) handler.function.addEnvironment('CRONSENTRY_DASHBOARD_LINKS', 'off');
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      checker: this.checker.handler.function,
      failureQueue: this.alerts.failureQueue,
      httpApi: this.api.httpApi,
      publisherLogGroups: [this.api.pingFunction, this.api.apiFunction, this.checker.handler].map((h) => h.logGroup),
      operatorEmail: settings.operatorEmail,
    });
    this.alerts.denyPublishTo([this.alerts.topic.topicArn, this.monitoring.operatorTopic.topicArn]);
    // The outage guard: the checker's canary pings through the public ping URL, end to end, and
    // "CronSentry's own ping intake is failing" goes to the operator topic (shared/app/intake-guard.ts).
    this.checker.guardIntake({ canaryUrl: publicUrl, operatorTopicArn: this.monitoring.operatorTopic.topicArn });

    if (this.dashboard)
      new CfnOutput(this, 'DashboardUrl', { value: publicUrl, description: 'Open the dashboard here' });
    new CfnOutput(this, 'ApiUrl', {
      value: `${publicUrl}/api`,
      description: 'Management API (also reachable directly at ApiEndpoint)',
    });
    new CfnOutput(this, 'ApiEndpoint', { value: this.api.url, description: 'The HTTP API endpoint itself' });
    new CfnOutput(this, 'PingUrlTemplate', {
      value: `${publicUrl}/api/ping/{job-id}`,
      description: 'curl this (GET, POST or HEAD) when a job finishes; /start, /fail or /{exit-code} may follow',
    });
    new CfnOutput(this, 'AlertsTopicArn', {
      value: this.alerts.topic.topicArn,
      description: 'Subscribe e-mail, SMS, HTTPS, SQS or Lambda endpoints to every flip',
    });
    new CfnOutput(this, 'OperatorTopicArn', {
      value: this.monitoring.operatorTopic.topicArn,
      description: "The stack's own alarms (checker down, delivery failures, API errors)",
    });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'The DynamoDB table' });
    new CfnOutput(this, 'DeliveryFailureQueueUrl', {
      value: this.alerts.failureQueue.queueUrl,
      description: 'Alerts that could not be delivered after retries',
    });
  }
}
