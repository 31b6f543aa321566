/**
 * The artifact that would deploy is the artifact that is tested: a real `cdk synth` (the CLI, with
 * cdk.json, offline) bundles every function into cdk.out; this test then loads those bundled files,
 * not the TypeScript sources, in fresh Node processes with the environment the template gives them,
 * points the bundled SDK at DynamoDB Local and a local SNS stand-in, and runs create → ping → sweep
 * → missing through API Gateway v2 and EventBridge events.
 */
import { execFile, spawn as spawnProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../../infra/paths';
import { toApiGatewayEvent } from '../../sandbox/api-gateway-event';
import { LOCAL_REGION } from '../../sandbox/local-store';
import { AccessService } from '../../shared/app/access';
import { INTAKE_ALERT_SUBJECT } from '../../shared/app/intake-guard';
import { accessStores } from '../../shared/wiring/access-stores';
import { awsCallLog, TEST_ACCOUNT } from '../support/aws-calls';
import { endpointOf, freshTable } from '../support/stores';
import { makeDashboardDir } from './support';
import { fixture } from '../events/fixtures';

const run = promisify(execFile);
const STACK = 'CronSentry';
const REGION = LOCAL_REGION;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${TEST_ACCOUNT}:cronsentry-alerts-test`;
/** A user's own topic, inside the stack's default snsChannelTopics (cronsentry-* in its account and region). */
const USER_TOPIC_ARN = `arn:aws:sns:${REGION}:${TEST_ACCOUNT}:cronsentry-ops`;
const SENDER = 'alerts@example.com';
const PUBLIC_URL = 'https://cronsentry.test';

interface TemplateFunction {
  readonly Metadata: Record<string, string>;
  readonly Properties: { Handler: string; Runtime: string; Environment?: { Variables: Record<string, unknown> } };
}

interface Bundle {
  readonly file: string;
  readonly environment: Record<string, unknown>;
}

let workDir: string;
let bundles: Record<'ping' | 'api' | 'badge' | 'checker' | 'notifier' | 'events', Bundle>;
let dynamoEndpoint: string;
let tableName: string;
let snsStub: http.Server;
const published: URLSearchParams[] = [];
const mailed: URLSearchParams[] = [];
let webhookReceiver: http.Server;
const webhookBodies: string[] = [];

/**
 * Accepts SNS Publish calls the way SNS would (query or JSON protocol) and keeps them; answers SES
 * SendEmail (query protocol) too, keeping those apart.
 */
async function startSnsStub(): Promise<string> {
  snsStub = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const messageId = `${published.length + mailed.length + 1}`.padStart(8, '0');
      if ((request.headers['content-type'] ?? '').includes('json')) {
        published.push(new URLSearchParams(Object.entries(JSON.parse(body) as Record<string, string>)));
        response
          .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
          .end(JSON.stringify({ MessageId: messageId }));
        return;
      }
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? 'Publish';
      (action === 'SendEmail' ? mailed : published).push(params);
      const namespace =
        action === 'SendEmail' ? 'ses.amazonaws.com/doc/2010-12-01' : 'sns.amazonaws.com/doc/2010-03-31';
      response
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<${action}Response xmlns="http://${namespace}/"><${action}Result><MessageId>${messageId}</MessageId></${action}Result><ResponseMetadata><RequestId>${messageId}</RequestId></ResponseMetadata></${action}Response>`,
        );
    });
  });
  await new Promise<void>((resolve) => snsStub.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(snsStub.address() as AddressInfo).port}`;
}

/** Stands in for a user's webhook endpoint: keeps every body it is sent. */
async function startWebhookReceiver(): Promise<string> {
  webhookReceiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      webhookBodies.push(body);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhookReceiver.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(webhookReceiver.address() as AddressInfo).port}/hook`;
}

/**
 * Stands in for the public ping URL the checker's canary calls (API Gateway in front of the ping
 * function): each request is one invocation of the bundled ping handler.
 */
async function startPublicPingUrl(ping: Bundle, env: Record<string, string>): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    invoke(ping, httpEvent(request.method ?? 'GET', url, 'GET /api/ping/{proxy+}'), env)
      .then((result) => {
        const answer = result as HttpResult;
        response.writeHead(answer.statusCode).end(answer.body ?? '');
      })
      .catch(() => response.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** The SNS event Lambda hands a subscribed function for one published message. */
function snsEvent(message: URLSearchParams) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC_ARN}:bundled-artifact-test`,
        Sns: {
          Type: 'Notification',
          MessageId: 'bundled-artifact-test',
          TopicArn: message.get('TopicArn'),
          Subject: message.get('Subject'),
          Message: message.get('Message'),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/example.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** Finds each function's bundled handler file through the template's asset metadata. */
function locateBundles(outdir: string): typeof bundles {
  const template = JSON.parse(fs.readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf8')) as {
    Resources: Record<string, { Type: string } & TemplateFunction>;
  };
  const byPath = (suffix: string): Bundle => {
    const found = Object.values(template.Resources).find(
      (resource) => resource.Type === 'AWS::Lambda::Function' && resource.Metadata['aws:cdk:path']?.endsWith(suffix),
    );
    if (!found) throw new Error(`no function at ${suffix} in the synthesized template`);
    const [module, exported] = found.Properties.Handler.split('.');
    expect(exported).toBe('handler');
    const dir = path.join(outdir, found.Metadata['aws:asset:path']!);
    const file = ['mjs', 'js'].map((ext) => path.join(dir, `${module}.${ext}`)).find((f) => fs.existsSync(f));
    if (!file) throw new Error(`no bundled ${module}.mjs or ${module}.js in ${dir}`);
    return { file, environment: found.Properties.Environment?.Variables ?? {} };
  };
  return {
    ping: byPath('/Api/Ping/Function/Resource'),
    api: byPath('/Api/Api/Function/Resource'),
    badge: byPath('/Api/Badge/Function/Resource'),
    checker: byPath('/Checker/Checker/Function/Resource'),
    notifier: byPath('/Alerts/Notifier/Function/Resource'),
    events: byPath('/AwsEvents/Events/Function/Resource'),
  };
}

/**
 * The environment Lambda would give the function: the template's variables, with the references
 * CloudFormation would resolve replaced by their local stand-ins.
 */
function lambdaEnvironment(bundle: Bundle, snsEndpoint: string, overrides: Record<string, string> = {}) {
  const resolved: Record<string, string> = {
    TABLE_NAME: tableName,
    ALERTS_TOPIC_ARN: TOPIC_ARN,
    CRONSENTRY_PUBLIC_URL: PUBLIC_URL,
    // The random part of the stack id, which CloudFront also sends (functions/ping/viewer-address.ts).
    CRONSENTRY_ORIGIN_SECRET: '0f4c2e8a-5b1d-4e7f-9a3c-6d2b8e1f0a47',
    SNS_CHANNEL_TOPICS: `arn:aws:sns:${REGION}:${TEST_ACCOUNT}:cronsentry-*`,
    OPERATOR_TOPIC_ARN: `arn:aws:sns:${REGION}:${TEST_ACCOUNT}:cronsentry-operator-test`,
    CRONSENTRY_CANARY_URL: overrides.CRONSENTRY_CANARY_URL ?? 'http://127.0.0.1:9/no-canary-in-this-test',
  };
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(bundle.environment)) {
    const local = typeof value === 'string' ? value : resolved[name];
    if (local === undefined) throw new Error(`no local value for the template's ${name}`);
    environment[name] = local;
  }
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_SNS: snsEndpoint,
    // The test's webhook receiver listens on 127.0.0.1, which the SSRF guard refuses on AWS.
    CRONSENTRY_TEST_LOOPBACK_TARGETS: '1',
    AWS_ENDPOINT_URL_SES: snsEndpoint,
    // Every AWS call the bundled code makes, for test/infra/iam.test.ts.
    CRONSENTRY_AWS_CALL_LOG: awsCallLog('bundled-artifact'),
    // Lambda runs Node 24; this machine's Node 20 makes the SDK print a support warning.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...environment,
    ...overrides,
  };
}

const INVOKE = `
const [file, eventJson, timeoutMs] = process.argv.slice(1);
const { handler } = await import(file);
const deadline = Date.now() + Number(timeoutMs);
const context = {
  functionName: 'bundled-artifact-test', awsRequestId: 'bundled-artifact-test', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => deadline - Date.now(),
};
const result = await handler(JSON.parse(eventJson), context);
process.stdout.write('\\n@@RESULT@@' + JSON.stringify(result ?? null));
`;

/** One invocation in a fresh Node process, as a cold Lambda container would run it. */
async function invoke(bundle: Bundle, event: unknown, env: Record<string, string>): Promise<unknown> {
  const child = spawnProcess(
    process.execPath,
    ['--input-type=module', '-e', INVOKE, bundle.file, JSON.stringify(event), '90000'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const marker = stdout.lastIndexOf('@@RESULT@@');
  if (code !== 0 || marker < 0) throw new Error(`bundled handler failed (exit ${code}):\n${stderr}\n${stdout}`);
  return JSON.parse(stdout.slice(marker + '@@RESULT@@'.length));
}

/** An API Gateway v2 event for the route the deployed API would match. */
function httpEvent(
  method: string,
  url: string,
  routeKey: string,
  headers: Record<string, string> = {},
  body?: unknown,
) {
  const event = toApiGatewayEvent({
    method,
    url,
    headers: { host: 'cronsentry.test', 'user-agent': 'bundled-artifact-test', ...headers },
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  });
  const proxy = new URL(url, PUBLIC_URL).pathname.replace(/^\/api\/(ping\/)?/, '');
  return {
    ...event,
    routeKey,
    pathParameters: { proxy },
    requestContext: { ...event.requestContext, routeKey },
  };
}

/** The event the checker's EventBridge schedule hands it every minute. */
function scheduledEvent() {
  return {
    version: '0',
    id: 'bundled-artifact-test',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: TEST_ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${TEST_ACCOUNT}:rule/cronsentry-checker`],
    detail: {},
  };
}

interface HttpResult {
  statusCode: number;
  body?: string;
}

describe('the bundled functions from a real cdk synth', () => {
  let snsEndpoint: string;
  let apiKey: string;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cronsentry-artifact-'));
    const dashboardDir = makeDashboardDir();
    const outdir = path.join(workDir, 'cdk.out');
    // DynamoDB Local (AWS's own, Java) is started once for the run by test/support/global-setup.ts.
    dynamoEndpoint = endpointOf('DynamoDB Local');
    const [table, sns] = await Promise.all([
      freshTable('DynamoDB Local'),
      startSnsStub(),
      run(
        'npx',
        [
          'cdk',
          'synth',
          '--quiet',
          '--output',
          outdir,
          '-c',
          `dashboardDir=${dashboardDir}`,
          '-c',
          `stackName=${STACK}`,
          '-c',
          `alertEmailFrom=${SENDER}`,
          '-c',
          'awsEvents=true',
        ],
        {
          cwd: REPOSITORY_ROOT,
          env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
          maxBuffer: 16 * 1024 * 1024,
        },
      ),
    ]);
    fs.rmSync(dashboardDir, { recursive: true, force: true });
    tableName = table.tableName;
    snsEndpoint = sns;
    bundles = locateBundles(outdir);

    const access = new AccessService(accessStores(table.documents, tableName));
    const project = await access.createProject('bundled artifact test', Date.now());
    apiKey = (await access.createKey({ projectId: project.id, role: 'read-write', name: 'test' }, Date.now())).secret;
  }, 300_000);

  afterAll(() => {
    snsStub?.close();
    webhookReceiver?.close();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('are self-contained ESM bundles with source maps (the AWS SDK inside, nothing to resolve)', () => {
    for (const bundle of Object.values(bundles)) {
      expect(bundle.file).toMatch(/index\.mjs$/);
      expect(fs.existsSync(`${bundle.file}.map`)).toBe(true);
      const code = fs.readFileSync(bundle.file, 'utf8');
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(code).not.toMatch(/from\s*["']\.\.?\//);
    }
  });

  it('link their source maps, read only when a stack trace is formatted (no --enable-source-maps)', () => {
    for (const [name, bundle] of Object.entries(bundles)) {
      // The flag would parse the whole map at every cold start (docs/benchmarks.md, "Cold starts").
      expect(bundle.environment.NODE_OPTIONS).toBeUndefined();
      expect(fs.readFileSync(bundle.file, 'utf8')).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      const map = JSON.parse(fs.readFileSync(`${bundle.file}.map`, 'utf8')) as { sources: string[] };
      expect(map.sources.some((source) => source.endsWith(`functions/${name}/index.ts`))).toBe(true);
    }
  });

  it('print a stack trace that points at our TypeScript when a function fails to start', async () => {
    for (const bundle of [bundles.ping, bundles.api]) {
      // Without ALERTS_TOPIC_ARN the composition root refuses to start (functions/aws-wiring.ts).
      const env: Record<string, string> = lambdaEnvironment(bundle, 'http://127.0.0.1:9');
      delete env.ALERTS_TOPIC_ARN;
      const child = spawnProcess(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(bundle.file)})`],
        {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).not.toBe(0);
      expect(stderr).toContain('ALERTS_TOPIC_ARN must be set on AWS');
      expect(stderr).toMatch(/\n\s+at \S+ \(\/.*functions\/aws-wiring\.ts:\d+:\d+\)/);
      expect(stderr).not.toMatch(/\n\s+at .*index\.mjs:\d+:\d+/);
    }
  }, 60_000);

  it('create → ping → sweep → missing, published to the alerts topic and delivered once by the notifier', async () => {
    const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    // Two speed-ups for a test that must not wait minutes: the smallest interval and grace the
    // api accepts, and a checker window of one second instead of the deployed minute.
    const fast = { CRONSENTRY_MIN_SECONDS: '1', CRONSENTRY_SWEEP_SECONDS: '0.5', CHECKER_WINDOW_SECONDS: '1' };
    const apiEnv = lambdaEnvironment(bundles.api, snsEndpoint, fast);
    const pingEnv = lambdaEnvironment(bundles.ping, snsEndpoint, fast);
    // The checker's canary pings the bundled ping function through a stand-in of the public URL,
    // so the outage guard sees a working intake, as it would on AWS.
    const publicPing = await startPublicPingUrl(bundles.ping, pingEnv);
    const checkerEnv = lambdaEnvironment(bundles.checker, snsEndpoint, {
      ...fast,
      CRONSENTRY_CANARY_URL: `http://127.0.0.1:${(publicPing.address() as AddressInfo).port}`,
    });
    const notifierEnv = lambdaEnvironment(bundles.notifier, snsEndpoint, fast);

    const channel = (await invoke(
      bundles.api,
      httpEvent('POST', '/api/channels', 'ANY /api/{proxy+}', auth, {
        kind: 'webhook',
        name: 'receiver',
        settings: { url: await startWebhookReceiver() },
      }),
      apiEnv,
    )) as HttpResult;
    expect(channel.statusCode, channel.body).toBe(201);
    const channelId = (JSON.parse(channel.body!) as { id: string }).id;

    const created = (await invoke(
      bundles.api,
      httpEvent('POST', '/api/jobs', 'ANY /api/{proxy+}', auth, {
        name: 'Bundled backup',
        schedule: 'every 10s',
        grace_time: '1s',
        channels: [channelId],
      }),
      apiEnv,
    )) as HttpResult;
    expect(created.statusCode, created.body).toBe(201);
    const job = JSON.parse(created.body!) as { id: string; status: string; ping_url: string };
    expect(job.status).toBe('new');
    expect(job.ping_url).toBe(`${PUBLIC_URL}/api/ping/${job.id}`);

    const ping = (await invoke(
      bundles.ping,
      httpEvent('GET', `/api/ping/${job.id}`, 'GET /api/ping/{proxy+}'),
      pingEnv,
    )) as HttpResult;
    expect(ping.statusCode).toBe(200);
    expect(ping.body).toBe('OK');

    const read = async () => {
      const result = (await invoke(
        bundles.api,
        httpEvent('GET', `/api/jobs/${job.id}`, 'ANY /api/{proxy+}', auth),
        apiEnv,
      )) as HttpResult;
      expect(result.statusCode, result.body).toBe(200);
      return JSON.parse(result.body!) as { status: string; deadline_at: string };
    };
    const flipsToMissing = async () => {
      const result = (await invoke(
        bundles.api,
        httpEvent('GET', `/api/jobs/${job.id}/flips`, 'ANY /api/{proxy+}', auth),
        apiEnv,
      )) as HttpResult;
      expect(result.statusCode, result.body).toBe(200);
      return (JSON.parse(result.body!) as { flips: { to: string }[] }).flips.filter((flip) => flip.to === 'missing');
    };
    const healthy = await read();
    expect(healthy.status).toBe('healthy');

    // Let the deadline (10 s interval + 1 s grace; 10 s, because a fresh Node process per invocation takes seconds on a loaded machine) pass, then let the bundled checker sweep.
    await sleep(Math.max(0, Date.parse(healthy.deadline_at) - Date.now()) + 300);
    // The API derives `missing` from the clock alone; only the checker records the flip and alerts.
    expect(await flipsToMissing()).toEqual([]);
    expect(published).toEqual([]);
    await invoke(bundles.checker, scheduledEvent(), checkerEnv);

    expect((await read()).status).toBe('missing');
    expect(await flipsToMissing()).toHaveLength(1);
    const alerts = published.filter((p) => p.get('TopicArn') === TOPIC_ARN && p.get('Message')?.includes(job.id));
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(alerts.some((p) => p.get('Message')!.includes('missing'))).toBe(true);

    // SNS hands the message to the bundled notifier, which posts it to the job's webhook; a
    // redelivery of the same message (SNS and Lambda both deliver at least once) sends nothing more.
    const alert = alerts.find((p) => p.get('Message')!.includes('missing'))!;
    await invoke(bundles.notifier, snsEvent(alert), notifierEnv);
    await invoke(bundles.notifier, snsEvent(alert), notifierEnv);
    expect(webhookBodies).toHaveLength(1);
    publicPing.close();
    expect(webhookBodies[0]).toContain(job.id);
    expect(webhookBodies[0]).toContain('missing');
  }, 120_000);

  it('sends to SNS and SES channels from the api (channel test) and the notifier, and a fail ping alerts', async () => {
    const apiEnv = lambdaEnvironment(bundles.api, snsEndpoint);
    /** One POST to the bundled api function with the test key, as API Gateway would hand it over. */
    const post = async (path: string, body?: unknown) => {
      const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
      return (await invoke(
        bundles.api,
        httpEvent('POST', path, 'ANY /api/{proxy+}', headers, body),
        apiEnv,
      )) as HttpResult;
    };
    const createChannel = (kind: string, settings: unknown) => post('/api/channels', { kind, name: kind, settings });

    // Only topics the stack lets channels publish to (snsChannelTopics) are accepted.
    const refused = await createChannel('sns', { topic_arn: `arn:aws:sns:${REGION}:${TEST_ACCOUNT}:another-app` });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('settings.topic_arn');
    expect(refused.body).toContain('snsChannelTopics');

    const sns = await createChannel('sns', { topic_arn: USER_TOPIC_ARN });
    const email = await createChannel('email', { addresses: ['oncall@example.com'] });
    expect([sns.statusCode, email.statusCode], `${sns.body} ${email.body}`).toEqual([201, 201]);
    const channelIds = [sns, email].map((reply) => (JSON.parse(reply.body!) as { id: string }).id);
    for (const id of channelIds) {
      const tested = await post(`/api/channels/${id}/test`);
      expect(tested.statusCode, tested.body).toBe(200);
    }
    expect(published.filter((p) => p.get('TopicArn') === USER_TOPIC_ARN)).toHaveLength(1);
    expect(mailed.map((m) => m.get('Source'))).toEqual([SENDER]);

    const created = await post('/api/jobs', {
      name: 'Bundled report',
      schedule: 'every 1h',
      grace_time: '5m',
      channels: channelIds,
    });
    expect(created.statusCode, created.body).toBe(201);
    const jobId = (JSON.parse(created.body!) as { id: string }).id;

    // The ping function itself publishes the failure to the alerts topic.
    const failed = (await invoke(
      bundles.ping,
      httpEvent('GET', `/api/ping/${jobId}/fail`, 'GET /api/ping/{proxy+}'),
      lambdaEnvironment(bundles.ping, snsEndpoint),
    )) as HttpResult;
    expect(failed.statusCode).toBe(200);
    const alert = published.find((p) => p.get('TopicArn') === TOPIC_ARN && p.get('Message')?.includes(jobId));
    expect(alert?.get('Message')).toContain('failed');

    await invoke(bundles.notifier, snsEvent(alert!), lambdaEnvironment(bundles.notifier, snsEndpoint));
    const toUserTopic = published.filter((p) => p.get('TopicArn') === USER_TOPIC_ARN);
    expect(toUserTopic).toHaveLength(2);
    expect(toUserTopic[1]!.get('Message')).toContain(jobId);
    expect(mailed).toHaveLength(2);
  }, 120_000);

  it('the api serves the OpenAPI document without a key, loaded on its first request', async () => {
    const served = (await invoke(
      bundles.api,
      httpEvent('GET', '/api/openapi.json', 'GET /api/openapi.json'),
      lambdaEnvironment(bundles.api, snsEndpoint),
    )) as HttpResult;
    expect(served.statusCode, served.body).toBe(200);
    const document = JSON.parse(served.body!) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths)).toContain('/api/jobs');
  }, 120_000);

  it('the ping function creates a job for a slug ping with ?create=1, loading job creation only then', async () => {
    const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const apiEnv = lambdaEnvironment(bundles.api, snsEndpoint);
    const project = (await invoke(
      bundles.api,
      httpEvent('PATCH', '/api/project', 'ANY /api/{proxy+}', auth, { create_on_ping: true }),
      apiEnv,
    )) as HttpResult;
    expect(project.statusCode, project.body).toBe(200);
    const pingKey = (JSON.parse(project.body!) as { ping_key: string }).ping_key;
    const slug = `bundled-${Date.now().toString(36)}`;
    const pingEnv = lambdaEnvironment(bundles.ping, snsEndpoint);
    // Each invocation is a fresh process: the first is a cold start that must load the job use
    // cases on demand (functions/ping/index.ts), the second finds the job it made.
    const pingWithCreate = async () =>
      (await invoke(
        bundles.ping,
        httpEvent('GET', `/ping/${pingKey}/${slug}?create=1`, 'GET /ping/{proxy+}'),
        pingEnv,
      )) as HttpResult;
    const created = await pingWithCreate();
    expect([created.statusCode, created.body]).toEqual([201, 'Created']);
    const again = await pingWithCreate();
    expect([again.statusCode, again.body]).toEqual([200, 'OK']);
    const listed = (await invoke(
      bundles.api,
      httpEvent('GET', '/api/jobs', 'ANY /api/{proxy+}', auth),
      apiEnv,
    )) as HttpResult;
    const jobs = (JSON.parse(listed.body!) as { jobs: { name: string; schedule: string; status: string }[] }).jobs;
    expect(jobs.filter((job) => job.name === slug)).toEqual([
      expect.objectContaining({ name: slug, schedule: 'every 1d', status: 'healthy' }),
    ]);
  }, 120_000);

  it('the badge function renders the SVG badge the api lists, and the api bundle carries no badge renderer', async () => {
    const auth = { authorization: `Bearer ${apiKey}` };
    const listed = (await invoke(
      bundles.api,
      httpEvent('GET', '/api/v3/badges/', 'ANY /api/{proxy+}', auth),
      lambdaEnvironment(bundles.api, snsEndpoint),
    )) as HttpResult;
    expect(listed.statusCode, listed.body).toBe(200);
    const svgUrl = (JSON.parse(listed.body!) as { badges: Record<string, { svg: string }> }).badges['*']!.svg;
    const badge = (await invoke(
      bundles.badge,
      httpEvent('GET', new URL(svgUrl).pathname, 'GET /badge/{proxy+}'),
      lambdaEnvironment(bundles.badge, snsEndpoint),
    )) as HttpResult & { headers: Record<string, string> };
    expect(badge.statusCode, badge.body).toBe(200);
    expect(badge.headers['content-type']).toBe('image/svg+xml');
    expect(badge.body).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // badge-maker's font-width tables (anafanafo) live in the badge bundle only.
    const map = (bundle: Bundle) =>
      (JSON.parse(fs.readFileSync(`${bundle.file}.map`, 'utf8')) as { sources: string[] }).sources;
    expect(map(bundles.badge).some((source) => source.includes('node_modules/anafanafo/'))).toBe(true);
    expect(map(bundles.api).some((source) => source.includes('node_modules/badge-maker/'))).toBe(false);
  }, 120_000);

  it('the events function turns the documented ECS events into a start and a failure with exit code and reason', async () => {
    const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const apiEnv = lambdaEnvironment(bundles.api, snsEndpoint);
    const eventsEnv = lambdaEnvironment(bundles.events, snsEndpoint);
    const created = (await invoke(
      bundles.api,
      httpEvent('POST', '/api/jobs', 'ANY /api/{proxy+}', auth, {
        name: 'Nightly report (ECS)',
        schedule: '0 2 * * *',
        grace_time: 30,
        aws_source: { kind: 'ecs', cluster: 'default', task_definition_family: 'nightly-report' },
      }),
      apiEnv,
    )) as HttpResult;
    expect(created.statusCode, created.body).toBe(201);
    const jobId = (JSON.parse(created.body!) as { id: string }).id;

    expect(await invoke(bundles.events, fixture('ecs/running'), eventsEnv)).toMatchObject({
      outcome: 'matched',
      jobId,
      signal: 'start',
    });
    expect(await invoke(bundles.events, fixture('ecs/stopped-exit-1'), eventsEnv)).toMatchObject({ signal: 'fail' });
    expect(await invoke(bundles.events, fixture('glue/failed'), eventsEnv)).toMatchObject({ outcome: 'unmatched' });
    // A Batch job carries tags, which are matched with one BatchGetItem.
    expect(await invoke(bundles.events, fixture('batch/running'), eventsEnv)).toMatchObject({ outcome: 'unmatched' });
    expect(await invoke(bundles.events, { hello: 'world' }, eventsEnv)).toEqual({ outcome: 'malformed' });

    const read = (await invoke(
      bundles.api,
      httpEvent('GET', `/api/jobs/${jobId}`, 'ANY /api/{proxy+}', auth),
      apiEnv,
    )) as HttpResult;
    expect(JSON.parse(read.body!)).toMatchObject({ status: 'failed', last_exit_code: 1, run_in_progress: false });
    const alert = published.find((p) => p.get('Message')?.includes(jobId));
    expect(alert?.get('Message')).toContain('Essential container in task exited');
  }, 120_000);

  // Last in this file: it records an outage on the shared table, which holds missing jobs as unknown.
  it("tells the operator topic once when the checker's canary ping is lost", async () => {
    const operatorTopic = `arn:aws:sns:${REGION}:${TEST_ACCOUNT}:cronsentry-operator-test`;
    // lambdaEnvironment's canary URL is a closed port: the canary ping cannot arrive.
    const checkerEnv = lambdaEnvironment(bundles.checker, snsEndpoint, { CHECKER_WINDOW_SECONDS: '1' });
    const toOperator = () => published.filter((p) => p.get('TopicArn') === operatorTopic);
    await invoke(bundles.checker, scheduledEvent(), checkerEnv);
    expect(toOperator().map((p) => p.get('Subject'))).toEqual([INTAKE_ALERT_SUBJECT]);
    // The outage is on record now: the next minute's checker does not tell the operator again.
    await invoke(bundles.checker, scheduledEvent(), checkerEnv);
    expect(toOperator()).toHaveLength(1);
  }, 120_000);
});
