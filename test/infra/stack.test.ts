import { Match } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER, viewerAddress } from '../../functions/ping/viewer-address';
import { DEFAULT_THROTTLE } from '../../infra/settings';
import { CHECKER_TIMEOUT_MS } from '../../shared/app/checker';
import { TABLE_DEFINITION } from '../../shared/storage/table-definition';
import { asArray, removeSynthFolders, statementsOfRole, synthStack, type Synthesized } from './support';

afterAll(removeSynthFolders);
// Each synth takes about a second alone, but many times that on a loaded two-core CI machine.
vi.setConfig({ testTimeout: 120_000 });

const defaults = synthStack();

function functionsOf(s: Synthesized) {
  const { api, checker, alerts } = s.stack;
  return {
    ping: api.pingFunction,
    api: api.apiFunction,
    badge: api.badgeFunction,
    checker: checker.handler,
    notifier: alerts.notifier,
  };
}

const tableArn = (s: Synthesized) => ({ 'Fn::GetAtt': [s.logicalId(s.stack.table.table), 'Arn'] });
const indexArn = (s: Synthesized, name: string) => ({
  'Fn::Join': ['', [tableArn(s), `/index/${name}`]],
});
const topicRef = (s: Synthesized) => ({ Ref: s.logicalId(s.stack.alerts.topic) });
/** Users' own topics by default (snsChannelTopics): topics named cronsentry-* in the stack's account and region. */
const USERS_TOPICS = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':sns:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':cronsentry-*',
    ],
  ],
};
const operatorTopicRef = (s: Synthesized) => ({ Ref: s.logicalId(s.stack.monitoring.operatorTopic) });

/** The Allow statements of a role, keyed by action, each with the resources it may touch. */
function allowedByAction(s: Synthesized, roleLogicalId: string): Map<string, unknown[]> {
  const byAction = new Map<string, unknown[]>();
  for (const statement of statementsOfRole(s.template, roleLogicalId)) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of asArray(statement.Action)) {
      byAction.set(action, [...(byAction.get(action) ?? []), ...asArray(statement.Resource)]);
    }
  }
  return byAction;
}

function cloudFrontFunction(s: Synthesized, id: 'SpaRoutes' | 'ViewerAddress') {
  const logicalId = s.logicalId(s.stack.dashboard!.node.findChild(id));
  return { id: logicalId, ...s.template.toJSON().Resources[logicalId] };
}

describe('table', () => {
  it('is built from TABLE_DEFINITION: keys, GSIs, projection, TTL', () => {
    defaults.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: TABLE_DEFINITION.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE_DEFINITION.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_DEFINITION.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      })),
      TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.timeToLiveAttribute, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
  });

  it('has the status index: a KEYS_ONLY GSI keyed by project#status#shard and the job key', () => {
    const table = Object.values(defaults.template.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
    const status = table.Properties.GlobalSecondaryIndexes.find(
      (index: { IndexName: string }) => index.IndexName === 'status',
    );
    expect(status).toEqual({
      IndexName: 'status',
      KeySchema: [
        { AttributeName: 'statusKey', KeyType: 'HASH' },
        { AttributeName: 'pk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
    expect(table.Properties.AttributeDefinitions).toContainEqual({ AttributeName: 'statusKey', AttributeType: 'S' });
  });

  it('has point-in-time recovery, deletion protection and RETAIN by default', () => {
    defaults.template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      }),
    });
  });

  it('drops deletion protection and RETAIN only when -c retainData=false', () => {
    const throwAway = synthStack({ retainData: 'false' });
    throwAway.template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: false,
          }),
        ],
      }),
    });
  });
});

describe('HTTP API', () => {
  it('routes pings to the ping function, badges to the badge function and everything else under /api to the api function', () => {
    const s = defaults;
    const integrations = s.template.findResources('AWS::ApiGatewayV2::Integration');
    const functionOfIntegration = new Map(
      Object.entries(integrations).map(([id, integration]) => [id, integration.Properties.IntegrationUri]),
    );
    const routes = Object.values(s.template.findResources('AWS::ApiGatewayV2::Route')).map((route) => {
      const target = route.Properties.Target['Fn::Join'][1][1].Ref as string;
      return [route.Properties.RouteKey as string, functionOfIntegration.get(target)] as const;
    });
    const ping = { 'Fn::GetAtt': [s.logicalId(s.stack.api.pingFunction.function), 'Arn'] };
    const api = { 'Fn::GetAtt': [s.logicalId(s.stack.api.apiFunction.function), 'Arn'] };
    const badge = { 'Fn::GetAtt': [s.logicalId(s.stack.api.badgeFunction.function), 'Arn'] };
    expect(new Map(routes)).toEqual(
      new Map([
        ['GET /api/ping/{proxy+}', ping],
        ['POST /api/ping/{proxy+}', ping],
        ['HEAD /api/ping/{proxy+}', ping],
        ['GET /ping/{proxy+}', ping],
        ['POST /ping/{proxy+}', ping],
        ['HEAD /ping/{proxy+}', ping],
        ['ANY /api/{proxy+}', api],
        ['GET /badge/{proxy+}', badge],
        ['HEAD /badge/{proxy+}', badge],
      ]),
    );
    s.template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles the stage with the defaults, or with the context settings', () => {
    defaults.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit,
        ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit,
      },
    });
    synthStack({ throttleRateLimit: '7', throttleBurstLimit: '13' }).template.hasResourceProperties(
      'AWS::ApiGatewayV2::Stage',
      { DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 13 } },
    );
  });

  it('writes access logs that name the route, never the path (a ping path holds the job id)', () => {
    const s = defaults;
    const stage = Object.values(s.template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties.AccessLogSettings;
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [s.logicalId(s.stack.api.accessLogs), 'Arn'] });
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({ route: '$context.routeKey', status: '$context.status' });
    expect(settings.Format).not.toContain('$context.path');
  });

  it('has no CORS by default (the dashboard is same-origin) and the configured origins when asked', () => {
    const api = Object.values(defaults.template.findResources('AWS::ApiGatewayV2::Api'))[0]!;
    expect(api.Properties.CorsConfiguration).toBeUndefined();
    synthStack({ corsOrigins: 'https://a.example, https://b.example' }).template.hasResourceProperties(
      'AWS::ApiGatewayV2::Api',
      {
        CorsConfiguration: Match.objectLike({
          AllowOrigins: ['https://a.example', 'https://b.example'],
          AllowHeaders: Match.arrayWith(['authorization', 'x-api-key', 'if-none-match']),
          // The dashboard's conditional polling reads the ETag across origins.
          ExposeHeaders: ['etag'],
        }),
      },
    );
  });
});

describe('functions', () => {
  const newestNode = Object.values(Runtime)
    .filter(
      (r): r is Runtime => r instanceof Runtime && r.family === RuntimeFamily.NODEJS && /^nodejs\d+\.x$/.test(r.name),
    )
    .sort((a, b) => parseInt(b.name.slice(6)) - parseInt(a.name.slice(6)))[0]!;

  it('run on the newest Node.js runtime aws-cdk-lib offers, on arm64, with log retention', () => {
    const s = defaults;
    expect(newestNode.name).toBe('nodejs24.x');
    for (const handler of Object.values(functionsOf(s))) {
      const fn = s.template.toJSON().Resources[s.logicalId(handler.function)];
      expect(fn.Properties).toMatchObject({
        Runtime: newestNode.name,
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: s.logicalId(handler.logGroup) });
      expect(s.template.toJSON().Resources[s.logicalId(handler.logGroup)].Properties.RetentionInDays).toBe(30);
    }
  });

  it('keep their logs as long as -c logRetentionDays says, and delete them with throw-away stages', () => {
    const s = synthStack({ logRetentionDays: '7', retainData: 'false' });
    for (const handler of [...Object.values(functionsOf(s)).map((h) => h.logGroup), s.stack.api.accessLogs]) {
      const group = s.template.toJSON().Resources[s.logicalId(handler)];
      expect(group.Properties.RetentionInDays).toBe(7);
      expect(group.DeletionPolicy).toBe('Delete');
    }
    const kept = defaults.template.toJSON().Resources[defaults.logicalId(defaults.stack.api.accessLogs)];
    expect(kept.DeletionPolicy).toBe('Retain');
  });

  it('each get the settings shared/config.ts reads', () => {
    const s = synthStack({ alertEmailFrom: 'alerts@example.com' });
    for (const [name, handler] of Object.entries(functionsOf(s))) {
      const env = s.template.toJSON().Resources[s.logicalId(handler.function)].Properties.Environment.Variables;
      expect(env, name).toMatchObject({
        TABLE_NAME: { Ref: s.logicalId(s.stack.table.table) },
        ALERTS_TOPIC_ARN: topicRef(s),
        LOG_LEVEL: 'INFO',
        CRONSENTRY_PUBLIC_URL: {
          'Fn::Join': [
            '',
            ['https://', { 'Fn::GetAtt': [s.logicalId(s.stack.dashboard!.distribution), 'DomainName'] }],
          ],
        },
      });
    }
    const notifierEnv =
      s.template.toJSON().Resources[s.logicalId(s.stack.alerts.notifier.function)].Properties.Environment.Variables;
    expect(notifierEnv.ALERT_EMAIL_FROM).toBe('alerts@example.com');
    const apiEnv =
      s.template.toJSON().Resources[s.logicalId(s.stack.api.apiFunction.function)].Properties.Environment.Variables;
    expect(apiEnv.ALERT_EMAIL_FROM).toBe('alerts@example.com');
    const publicUrl = synthStack({ publicUrl: 'https://cron.example.com' });
    const pingEnv =
      publicUrl.template.toJSON().Resources[publicUrl.logicalId(publicUrl.stack.api.pingFunction.function)].Properties
        .Environment.Variables;
    expect(pingEnv.CRONSENTRY_PUBLIC_URL).toBe('https://cron.example.com');
  });

  it('use their own roles, with no AWS managed policy', () => {
    const s = defaults;
    for (const handler of Object.values(functionsOf(s))) {
      const role = s.template.toJSON().Resources[s.logicalId(handler.role)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('least privilege', () => {
  it('gives api and notifier the allowed channel topics, and no function the tests-only call log', () => {
    const s = defaults;
    const environmentOf = (handler: { function: unknown }) =>
      s.template.toJSON().Resources[s.logicalId(handler.function as never)].Properties.Environment.Variables as Record<
        string,
        unknown
      >;
    for (const handler of Object.values(functionsOf(s))) {
      expect(environmentOf(handler)).not.toHaveProperty('CRONSENTRY_AWS_CALL_LOG');
      expect(environmentOf(handler)).not.toHaveProperty('CRONSENTRY_TEST_LOOPBACK_TARGETS');
    }
    for (const handler of [s.stack.api.apiFunction, s.stack.alerts.notifier]) {
      expect(environmentOf(handler).SNS_CHANNEL_TOPICS).toEqual(USERS_TOPICS);
    }
  });

  it('grants no wildcard action to any of our roles', () => {
    const s = synthStack({ alertEmailFrom: 'alerts@example.com' });
    for (const handler of Object.values(functionsOf(s))) {
      for (const statement of statementsOfRole(s.template, s.logicalId(handler.role))) {
        for (const action of asArray(statement.Action)) expect(action).not.toContain('*');
      }
    }
  });

  it('lets the ping function read, write, delete and query items of the table (no index) and publish alerts, nothing else', () => {
    const s = defaults;
    const allowed = allowedByAction(s, s.logicalId(s.stack.api.pingFunction.role));
    expect([...allowed.keys()].sort()).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
      ].sort(),
    );
    for (const action of ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'].map((a) => `dynamodb:${a}`)) {
      expect(allowed.get(action)).toEqual([tableArn(s)]);
    }
    expect(allowed.get('sns:Publish')).toEqual([topicRef(s)]);
    expect(allowed.get('logs:PutLogEvents')).toEqual([
      { 'Fn::GetAtt': [s.logicalId(s.stack.api.pingFunction.logGroup), 'Arn'] },
    ]);
  });

  it('lets the badge function read the table (a project, its jobs) and nothing else: no write, no index, no topic', () => {
    const s = defaults;
    const allowed = allowedByAction(s, s.logicalId(s.stack.api.badgeFunction.role));
    expect([...allowed.keys()].sort()).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ].sort(),
    );
    for (const action of ['BatchGetItem', 'GetItem', 'Query'].map((a) => `dynamodb:${a}`)) {
      expect(allowed.get(action)).toEqual([tableArn(s)]);
    }
    expect(allowed.get('logs:PutLogEvents')).toEqual([
      { 'Fn::GetAtt': [s.logicalId(s.stack.api.badgeFunction.logGroup), 'Arn'] },
    ]);
  });

  it('lets the api function work on table items and query the status and due indexes, no other index', () => {
    const s = defaults;
    const allowed = allowedByAction(s, s.logicalId(s.stack.api.apiFunction.role));
    const dynamo = [...allowed.keys()].filter((action) => action.startsWith('dynamodb:')).sort();
    expect(dynamo).toEqual(
      ['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'].map((a) => `dynamodb:${a}`),
    );
    for (const action of dynamo.filter((action) => action !== 'dynamodb:Query')) {
      expect(allowed.get(action)).toEqual([tableArn(s)]);
    }
    expect(allowed.get('dynamodb:Query')).toEqual([tableArn(s), indexArn(s, 'status'), indexArn(s, 'due')]);
    // Users' topics for channel test messages; the stack's own topics are denied explicitly.
    expect(allowed.get('sns:Publish')).toEqual([USERS_TOPICS]);
    const denies = statementsOfRole(s.template, s.logicalId(s.stack.api.apiFunction.role)).filter(
      (st) => st.Effect === 'Deny',
    );
    expect(denies).toEqual([{ Effect: 'Deny', Action: 'sns:Publish', Resource: [topicRef(s), operatorTopicRef(s)] }]);
  });

  it('lets the checker query the two index ARNs and the table (windows, ping counts), and never scan', () => {
    const s = defaults;
    const allowed = allowedByAction(s, s.logicalId(s.stack.checker.handler.role));
    expect(allowed.get('dynamodb:Query')).toEqual([indexArn(s, 'due'), indexArn(s, 'outbox'), tableArn(s)]);
    expect(allowed.has('dynamodb:Scan')).toBe(false);
    for (const action of ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem']) {
      expect(allowed.get(action), action).toEqual([tableArn(s)]);
    }
    // The alerts topic, and the operator topic for the outage guard's one alert per outage.
    expect(allowed.get('sns:Publish')).toEqual([topicRef(s), operatorTopicRef(s)]);
  });

  it("gives the checker the outage guard's settings: the public ping URL for its canary and the operator topic", () => {
    const s = defaults;
    const checker = s.template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('checker') },
    });
    const variables = Object.values(checker)[0]!.Properties.Environment.Variables;
    expect(variables.OPERATOR_TOPIC_ARN).toEqual(operatorTopicRef(s));
    expect(variables.CRONSENTRY_CANARY_URL).toEqual(variables.CRONSENTRY_PUBLIC_URL);
  });

  it('scopes the notifier: table items, SES for the configured sender only, SNS in this account but not the alerts topic', () => {
    const s = synthStack({ alertEmailFrom: 'alerts@example.com' });
    const role = s.logicalId(s.stack.alerts.notifier.role);
    const allowed = allowedByAction(s, role);
    const dynamo = [...allowed.keys()].filter((action) => action.startsWith('dynamodb:')).sort();
    expect(dynamo).toEqual(['BatchGetItem', 'Query', 'UpdateItem'].map((a) => `dynamodb:${a}`));
    for (const action of dynamo) expect(allowed.get(action), action).toEqual([tableArn(s)]);
    const sesResources = JSON.stringify(allowed.get('ses:SendEmail'));
    expect(allowed.has('ses:SendRawEmail')).toBe(false);
    expect(sesResources).toContain(':identity/alerts@example.com');
    expect(sesResources).toContain(':identity/example.com');
    expect(sesResources).not.toContain('identity/*');
    expect(allowed.get('sns:Publish')).toEqual([USERS_TOPICS]);
    const denies = statementsOfRole(s.template, role).filter((st) => st.Effect === 'Deny');
    expect(denies).toEqual([{ Effect: 'Deny', Action: 'sns:Publish', Resource: [topicRef(s), operatorTopicRef(s)] }]);

    const sandboxed = synthStack({ alertEmailFrom: 'alerts@example.com', sesSandboxRecipients: 'oncall@example.org' });
    const sandboxedSes = allowedByAction(sandboxed, sandboxed.logicalId(sandboxed.stack.alerts.notifier.role));
    expect(JSON.stringify(sandboxedSes.get('ses:SendEmail'))).toContain(':identity/oncall@example.org');
    expect(sandboxedSes.get('ses:SendEmail')).toHaveLength(3);

    // The api sends channel test messages itself, so it may send as the same sender, and only as it.
    const api = allowedByAction(s, s.logicalId(s.stack.api.apiFunction.role));
    expect(api.get('ses:SendEmail')).toEqual(allowed.get('ses:SendEmail'));

    for (const handler of [defaults.stack.alerts.notifier, defaults.stack.api.apiFunction]) {
      const withoutSender = allowedByAction(defaults, defaults.logicalId(handler.role));
      expect([...withoutSender.keys()].some((action) => action.startsWith('ses:'))).toBe(false);
    }
  });
});

describe('checker', () => {
  it('runs every minute, one at a time, with a timeout that fits the 60 s window and its last sweep', () => {
    const s = defaults;
    const checker = s.logicalId(s.stack.checker.handler.function);
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [checker, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        }),
      ],
    });
    const fn = s.template.toJSON().Resources[checker].Properties;
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
    expect(fn.Environment.Variables.CHECKER_WINDOW_SECONDS).toBe('60');
    expect(fn.Timeout).toBeGreaterThan(60);
    expect(fn.Timeout).toBeLessThanOrEqual(120);
    // A sweep's publish leases last as long as an invocation can run, so that no drain outlives them.
    expect(fn.Timeout * 1000).toBe(CHECKER_TIMEOUT_MS);
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: checker },
      MaximumRetryAttempts: 0,
    });
  });

  it('reserves concurrency only when asked: AWS refuses any reservation on a new account (quota 10)', () => {
    const s = synthStack({ checkerReservedConcurrency: '1' });
    const fn = s.template.toJSON().Resources[s.logicalId(s.stack.checker.handler.function)].Properties;
    expect(fn.ReservedConcurrentExecutions).toBe(1);
  });
});

describe('alerts', () => {
  it('sends notifier failures to the failure queue and subscribes the notifier to the alerts topic', () => {
    const s = defaults;
    const notifier = s.logicalId(s.stack.alerts.notifier.function);
    const queueArn = { 'Fn::GetAtt': [s.logicalId(s.stack.alerts.failureQueue), 'Arn'] };
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: notifier },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: topicRef(s),
      Endpoint: { 'Fn::GetAtt': [notifier, 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: queueArn },
    });
  });

  it('encrypts the alerts topic and the failure queue', () => {
    defaults.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'CronSentry alerts',
      KmsMasterKeyId: Match.anyValue(),
    });
    defaults.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });
});

describe('TLS enforced', () => {
  const denyInsecure = Match.objectLike({
    Effect: 'Deny',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });

  it('on both topics, the failure queue and the dashboard bucket', () => {
    const s = defaults;
    const topics = [s.stack.alerts.topic, s.stack.monitoring.operatorTopic].map((t) => ({ Ref: s.logicalId(t) }));
    for (const topic of topics) {
      s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [topic],
        PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) },
      });
    }
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) },
    });
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) },
    });
  });
});

describe('dashboard hosting', () => {
  it('keeps the bucket private: public access blocked, readable only by this distribution', () => {
    const s = defaults;
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    const policy = Object.values(s.template.findResources('AWS::S3::BucketPolicy'))
      .map((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[])
      .flat();
    const allows = policy.filter((st) => st.Effect === 'Allow');
    for (const allow of allows) {
      expect(allow.Principal).not.toEqual('*');
      expect(allow.Principal).not.toEqual({ AWS: '*' });
    }
    expect(allows).toContainEqual(
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }),
          },
        },
      }),
    );
    s.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });

  it('routes /api/* to the HTTP API uncached, with every method and the viewer headers but Host', () => {
    const s = defaults;
    const distribution = Object.values(s.template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties
      .DistributionConfig;
    const api = distribution.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/api/*');
    expect(api).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
      ViewerProtocolPolicy: 'https-only',
    });
    const apiOrigin = distribution.Origins.find((o: { Id: string }) => o.Id === api.TargetOriginId);
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('.execute-api.');
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(s.logicalId(s.stack.api.httpApi));
    expect(apiOrigin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(distribution.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(api.ResponseHeadersPolicyId);
    // Healthchecks-compatible pings and badges take the same way, never the dashboard's catch-all.
    const { PathPattern: _apiPattern, ...apiBehavior } = api;
    for (const pattern of ['/ping/*', '/badge/*']) {
      const { PathPattern: _pattern, ...behavior } = distribution.CacheBehaviors.find(
        (b: { PathPattern: string }) => b.PathPattern === pattern,
      );
      expect(behavior, pattern).toEqual(apiBehavior);
    }
  });

  it('sends security headers', () => {
    defaults.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.stringLikeRegexp("default-src 'self'.*frame-ancestors 'none'"),
          }),
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000 }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      }),
    });
  });

  it('serves index.html for dashboard routes and the files themselves for files', () => {
    const fn = cloudFrontFunction(defaults, 'SpaRoutes');
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    const handler = new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (event: unknown) => {
      uri: string;
    };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/jobs/6f0c8a1e-1b9e-4c57-a7c8-0d2f7f0b8a11')).toBe('/index.html');
    expect(rewrite('/assets/index-3f2a1b.js')).toBe('/assets/index-3f2a1b.js');
    expect(rewrite('/favicon.ico')).toBe('/favicon.ico');
  });

  it("forwards the viewer's address from a viewer-request function on /api/*, proven by the origin secret", () => {
    const s = defaults;
    const distribution = Object.values(s.template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties
      .DistributionConfig;
    const api = distribution.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/api/*');
    const fn = cloudFrontFunction(s, 'ViewerAddress');
    expect(api.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn.id, 'FunctionARN'] } },
    ]);
    const secret = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };
    const apiOrigin = distribution.Origins.find((o: { Id: string }) => o.Id === api.TargetOriginId);
    expect(apiOrigin.OriginCustomHeaders).toEqual([{ HeaderName: ORIGIN_SECRET_HEADER, HeaderValue: secret }]);
    const pingEnv =
      s.template.toJSON().Resources[s.logicalId(s.stack.api.pingFunction.function)].Properties.Environment.Variables;
    expect(pingEnv.CRONSENTRY_ORIGIN_SECRET).toEqual(secret);

    // The function's own code, run: it overwrites whatever the viewer sent under the header name.
    const handler = new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (event: unknown) => {
      headers: Record<string, { value: string }>;
    };
    const forged = { [VIEWER_ADDRESS_HEADER]: { value: '192.0.2.1' } };
    const request = handler({ viewer: { ip: '198.51.100.23' }, request: { uri: '/api/ping/x', headers: forged } });
    expect(request.headers[VIEWER_ADDRESS_HEADER]).toEqual({ value: '198.51.100.23' });
    // What the ping function then makes of it: the viewer through CloudFront, the edge for anyone
    // calling the API endpoint directly with a forged address header but without the secret.
    const through = { [VIEWER_ADDRESS_HEADER]: '198.51.100.23', [ORIGIN_SECRET_HEADER]: 'stack-uuid-0123456789' };
    expect(viewerAddress(through, '130.176.0.1', 'stack-uuid-0123456789')).toBe('198.51.100.23');
    expect(viewerAddress({ [VIEWER_ADDRESS_HEADER]: '192.0.2.1' }, '203.0.113.9', 'stack-uuid-0123456789')).toBe(
      '203.0.113.9',
    );
  });

  it('caches no error answer: error-caching TTL 0 for every status CloudFront would cache', () => {
    const distribution = Object.values(defaults.template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties
      .DistributionConfig;
    const codes = distribution.CustomErrorResponses.map((r: { ErrorCode: number }) => r.ErrorCode);
    expect(codes).toEqual(expect.arrayContaining([400, 403, 404, 500, 502, 503, 504]));
    for (const response of distribution.CustomErrorResponses) {
      expect(response).toEqual({ ErrorCode: response.ErrorCode, ErrorCachingMinTTL: 0 });
    }
  });

  it('names its CloudFront policies per region, so one account can run the stack in two regions', () => {
    const names = (region: string) => {
      const s = synthStack({}, { env: { account: '111122223333', region } });
      const template = s.template.toJSON().Resources as Record<string, { Type: string; Properties: never }>;
      const of = (type: string, path: string[]) =>
        Object.values(template)
          .filter((r) => r.Type === type)
          .map((r) => path.reduce((v: Record<string, unknown>, key) => v[key] as never, r.Properties as never));
      return [
        ...of('AWS::CloudFront::ResponseHeadersPolicy', ['ResponseHeadersPolicyConfig', 'Name']),
        ...of('AWS::CloudFront::OriginAccessControl', ['OriginAccessControlConfig', 'Name']),
        ...of('AWS::CloudFront::Function', ['Name']),
      ] as unknown as string[];
    };
    const west = names('eu-west-1');
    const east = names('us-east-1');
    expect(west).toHaveLength(4);
    for (const name of west) expect(east).not.toContain(name);
    const agnostic = JSON.stringify(defaults.template.findResources('AWS::CloudFront::OriginAccessControl', {}));
    expect(agnostic).toContain('AWS::Region');
  });

  it('refuses to synth without a built dashboard, and says how to build it', () => {
    expect(() => synthStack({ dashboardDir: '/nonexistent/cronsentry-dashboard' })).toThrow(/npm run build:dashboard/);
  });
});

describe('without the dashboard (-c dashboard=false)', () => {
  // No built dashboard on purpose: this stage must synth without one.
  const s = synthStack({ dashboard: 'false', dashboardDir: '/nonexistent/cronsentry-dashboard' });

  it('has no bucket and no CloudFront at all', () => {
    expect(s.stack.dashboard).toBeUndefined();
    const types = new Set(Object.values(s.template.toJSON().Resources).map((r) => (r as { Type: string }).Type));
    expect([...types].filter((type) => type.startsWith('AWS::S3::') || type.startsWith('AWS::CloudFront::'))).toEqual(
      [],
    );
  });

  it('puts ping URLs on the HTTP API endpoint, with no origin secret to trust and no dashboard links in alerts', () => {
    const endpoint = { 'Fn::GetAtt': [s.logicalId(s.stack.api.httpApi), 'ApiEndpoint'] };
    const resources = s.template.toJSON().Resources;
    for (const handler of Object.values(functionsOf(s))) {
      const env = resources[s.logicalId(handler.function)].Properties.Environment.Variables;
      expect(env.CRONSENTRY_PUBLIC_URL).toEqual(endpoint);
      expect(env.CRONSENTRY_ORIGIN_SECRET).toBeUndefined();
      // No dashboard answers at the API endpoint: alerts carry no "Open in CronSentry" link.
      expect(env.CRONSENTRY_DASHBOARD_LINKS).toBe('off');
    }
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.DashboardUrl).toBeUndefined();
    expect(outputs.PingUrlTemplate!.Value).toEqual({ 'Fn::Join': ['', [endpoint, '/api/ping/{job-id}']] });
  });
});

describe('watching the watcher', () => {
  const operatorTopic = (s: Synthesized) => [{ Ref: s.logicalId(s.stack.monitoring.operatorTopic) }];

  it('alarms when the checker errors', () => {
    const s = defaults;
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: s.logicalId(s.stack.checker.handler.function) } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      AlarmActions: operatorTopic(s),
      OKActions: operatorTopic(s),
    });
  });

  it('alarms when the checker has not run for 3 minutes, treating silence as breaching', () => {
    const s = defaults;
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: s.logicalId(s.stack.checker.handler.function) } }],
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmActions: operatorTopic(s),
    });
  });

  it('alarms when the delivery failure queue is not empty', () => {
    const s = defaults;
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [s.logicalId(s.stack.alerts.failureQueue), 'QueueName'] } },
      ],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      AlarmActions: operatorTopic(s),
    });
  });

  it('alarms on the API 5xx rate', () => {
    const s = defaults;
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('100 \\* errors / requests') }),
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5xx' }) }) }),
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Count' }) }) }),
      ]),
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 5,
      AlarmActions: operatorTopic(s),
    });
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
  });

  it('alarms when a notice is parked, counting the error line every publishing function logs', () => {
    const s = defaults;
    const logGroups = [s.stack.api.pingFunction, s.stack.api.apiFunction, s.stack.checker.handler];
    for (const handler of logGroups) {
      s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: s.logicalId(handler.logGroup) },
        FilterPattern: '{ $.alarm = "notice_parked" }',
        MetricTransformations: [{ MetricNamespace: 'CronSentry', MetricName: 'ParkedNotices', MetricValue: '1' }],
      });
    }
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CronSentry',
      MetricName: 'ParkedNotices',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      AlarmActions: operatorTopic(s),
    });
  });

  it('subscribes the operator e-mail only when one is given', () => {
    defaults.template.resourceCountIs('AWS::SNS::Subscription', 1);
    const s = synthStack({ operatorEmail: 'ops@example.com' });
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: s.logicalId(s.stack.monitoring.operatorTopic) },
    });
  });
});

describe('outputs', () => {
  it('tell the user where the dashboard, the API, the ping URLs and the alerts topic are', () => {
    const outputs = defaults.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'DashboardUrl',
        'ApiUrl',
        'ApiEndpoint',
        'PingUrlTemplate',
        'AlertsTopicArn',
        'OperatorTopicArn',
      ]),
    );
    expect(JSON.stringify(outputs.PingUrlTemplate!.Value)).toContain('/api/ping/{job-id}');
    expect(outputs.AlertsTopicArn!.Value).toEqual(topicRef(defaults));
  });
});
