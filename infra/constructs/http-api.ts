import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_THROTTLE } from '../settings';
import { HANDLER_ENTRIES, HandlerFunction } from './handler-function';
import type { CronSentryTable } from './table';
import { DUE_INDEX, STATUS_INDEX } from '../../shared/storage/table-definition';

export interface CronSentryApiProps {
  readonly table: CronSentryTable;
  /** Topic flips are published to (the ping may flip a job, the api sends test messages). */
  readonly alertsTopicArn: string;
  /** Settings every handler reads (TABLE_NAME, LOG_LEVEL, ...). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default DEFAULT_THROTTLE.rateLimit requests per second (sized for the top of the hour) */
  readonly throttleRateLimit?: number;
  /** @default DEFAULT_THROTTLE.burstLimit requests */
  readonly throttleBurstLimit?: number;
  /** @default - no CORS: the dashboard reaches the API through the same CloudFront origin */
  readonly corsOrigins?: readonly string[];
  readonly logRetention: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

// The same header names the api handler accepts a key from (issue 5); CORS has to allow them.
const API_KEY_HEADERS = ['authorization', 'x-api-key', 'content-type'];
/** The dashboard polls with conditional requests (functions/http/conditional-get.ts): a cross-origin
 * client must be allowed to send If-None-Match and to read the ETag it compares. */
const CONDITIONAL_GET_REQUEST_HEADERS = ['if-none-match'];
const CONDITIONAL_GET_RESPONSE_HEADERS = ['etag'];

/**
 * The HTTP API (API Gateway v2) with its three functions: the ping function takes
 * `/api/ping/{proxy+}` (GET, POST, HEAD: `{id}`, `{id}/{signal}`, `{pingKey}/{slug}`), the badge
 * function `/badge/{proxy+}`, the api function every other `/api/...` route. API Gateway picks the most specific route, so pings
 * never reach the api function and the ping role can stay as small as a ping needs.
 */
export class CronSentryApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly pingFunction: HandlerFunction;
  readonly apiFunction: HandlerFunction;
  readonly badgeFunction: HandlerFunction;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: CronSentryApiProps) {
    super(scope, id);
    const table = props.table.table;

    this.pingFunction = new HandlerFunction(this, 'Ping', {
      entry: HANDLER_ENTRIES.ping,
      description: 'CronSentry ping: records a ping and moves the job state',
      environment: props.environment,
      timeout: Duration.seconds(10),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    // A ping reads and writes single items, and queries its own job's newest log entries (the
    // per-minute ping limit, `log` signals) and a project's channels (`?create=1`); it never
    // touches an index or scans. It deletes only the job it created when a racing first
    // `?create=1` ping on the same slug won the name (test/concurrency/slug-race.test.ts).
    this.pingFunction.role.addToPolicy(onItems(table, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query']));
    this.pingFunction.role.addToPolicy(
      new PolicyStatement({ actions: ['sns:Publish'], resources: [props.alertsTopicArn] }),
    );

    this.apiFunction = new HandlerFunction(this, 'Api', {
      entry: HANDLER_ENTRIES.api,
      description: 'CronSentry management API: jobs, history, channels, keys',
      environment: props.environment,
      timeout: Duration.seconds(15),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    // The api lists through the table's own keys (project partitions); a status filter and the
    // summary also query the status index and the checker's due index (jobs not judged yet), and
    // no other index.
    this.apiFunction.role.addToPolicy(
      onItems(table, ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem']),
    );
    this.apiFunction.role.addToPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [STATUS_INDEX, DUE_INDEX].map((name) => props.table.indexArns[name]!),
      }),
    );
    // No sns:Publish on the alerts topic: notices an api request meets are left in the outbox for
    // the checker (functions/aws-wiring.ts), and the topic is denied to the api explicitly.

    // Badges have a function of their own so that badge-maker's 0.9 MB of font tables stay out of
    // the api's cold start (docs/benchmarks.md, "Cold starts").
    this.badgeFunction = new HandlerFunction(this, 'Badge', {
      entry: HANDLER_ENTRIES.badge,
      description: 'CronSentry status badges: public, read-only',
      environment: props.environment,
      timeout: Duration.seconds(10),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    // A badge reads its project (GetItem) and the project's jobs: their profiles (Query on the
    // project's partition) and states (BatchGetItem). It writes nothing, queries no index, publishes nothing.
    this.badgeFunction.role.addToPolicy(onItems(table, ['GetItem', 'Query', 'BatchGetItem']));

    const corsOrigins = props.corsOrigins ?? [];
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'CronSentry: pings and the management API',
      createDefaultStage: false,
      corsPreflight:
        corsOrigins.length > 0
          ? {
              allowOrigins: [...corsOrigins],
              allowMethods: [CorsHttpMethod.ANY],
              allowHeaders: [...API_KEY_HEADERS, ...CONDITIONAL_GET_REQUEST_HEADERS],
              exposeHeaders: CONDITIONAL_GET_RESPONSE_HEADERS,
              maxAge: Duration.hours(1),
            }
          : undefined,
    });

    const pingIntegration = new HttpLambdaIntegration('PingIntegration', this.pingFunction.function);
    // CronSentry's own ping URLs, and Healthchecks' (`https://<host>/ping` replaces hc-ping.com).
    for (const path of ['/api/ping/{proxy+}', '/ping/{proxy+}']) {
      this.httpApi.addRoutes({
        path,
        methods: [HttpMethod.GET, HttpMethod.POST, HttpMethod.HEAD],
        integration: pingIntegration,
      });
    }
    // Status badges: public and read-only, served by their own function.
    this.httpApi.addRoutes({
      path: '/badge/{proxy+}',
      methods: [HttpMethod.GET, HttpMethod.HEAD],
      integration: new HttpLambdaIntegration('BadgeIntegration', this.badgeFunction.function),
    });
    this.httpApi.addRoutes({
      path: '/api/{proxy+}',
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('ApiIntegration', this.apiFunction.function),
    });

    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Ping routes are public by design: the random job id in the path is the credential, and a one-line ' +
        'curl must work. Management routes check the API key (hashed, per project) in the api function, ' +
        'since keys live in the table; an API Gateway authorizer would add a second Lambda call per request.',
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttleRateLimit ?? DEFAULT_THROTTLE.rateLimit,
        burstLimit: props.throttleBurstLimit ?? DEFAULT_THROTTLE.burstLimit,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // routeKey, never the path: a ping path contains the job id, which is the ping's only secret.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            ip: '$context.identity.sourceIp',
            route: '$context.routeKey',
            status: '$context.status',
            length: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });
  }

  /** `https://{api-id}.execute-api.{region}.{suffix}`: the API's own endpoint, no trailing slash. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /** Host name of the API's endpoint, for use as a CloudFront origin. */
  get domainName(): string {
    const stack = Stack.of(this);
    return `${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }
}

/** DynamoDB actions on the table's items (the table ARN alone: no index). */
function onItems(table: ITableV2, actions: readonly string[]): PolicyStatement {
  return new PolicyStatement({ actions: actions.map((action) => `dynamodb:${action}`), resources: [table.tableArn] });
}
