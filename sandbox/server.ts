import {
  asFunction as creditTo,
  functionNow,
  jsonLinesSink,
  recordAwsCalls,
  type FunctionName,
} from '../shared/adapters/aws-call-recorder';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { generateKeySecret, hashKey, isWellFormedKey } from '../shared/app/access';
import type { AlertTransports } from '../shared/alerts/channel';
import type { AlertMessage } from '../shared/app/alert-bus';
import type { Logger } from '../shared/app/logger';
import { createServices, type Services } from '../shared/wiring/services';
import type { Settings } from '../shared/config';
import { createDocumentClient } from '../shared/storage/document-client';
import { buildApiHandler } from '../functions/api/handler';
import { apiRoutes } from '../functions/api/routes';
import { buildBadgeHandler } from '../functions/badge/handler';
import { buildOpenApiHandler, OPENAPI_PATH } from '../functions/api/openapi-handler';
import openApiDocument from '../contract/openapi.json';
import { buildPingHandler } from '../functions/ping/handler';
import { fromApiGatewayResult, toApiGatewayEvent, type PlainResponse } from './api-gateway-event';
import { LocalAlertBus } from './local-alert-bus';
import { StorePendingAlerts } from './pending-alerts';
import { ensureTable, localDynamoClient, privateDirectory, startDynalite } from './local-store';
import { serveStatic } from './static-files';

/**
 * What reaches a Lambda function on AWS: API Gateway takes up to 10 MB, but a synchronous Lambda
 * invocation carries at most 6 MB. A ping keeps its first 10 KB and never refuses a longer body
 * (Healthchecks accepts 2.5 MB), so the sandbox refuses only what AWS could not deliver either.
 */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** Paths the ping function serves: CronSentry's own, and Healthchecks' `/ping/…`. */
const PING_PATH = /^\/(api\/)?ping(\/|\?|$)/;
export const LOCAL_PROJECT_ID = 'local';

export interface SandboxOptions {
  readonly settings: Settings;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly apiKey?: string;
  readonly dashboardDir: string;
  readonly logger: Logger;
  /** How alerts leave this machine (mailer, SNS stand-in); the notifier itself is the AWS one. */
  readonly alerts?: Partial<AlertTransports>;
  /** Tests only: while this file exists, the ping routes answer 503 (a simulated intake outage). */
  readonly pingOutageFile?: string;
}

export interface RunningSandbox {
  readonly url: string;
  readonly apiKey: string;
  readonly services: Services;
  sweepNow(): Promise<void>;
  close(): Promise<void>;
}

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The whole of CronSentry in one process: the real ping and API handlers behind an HTTP server
 * that speaks API Gateway v2 events, the checker sweeping on a timer, alerts delivered in
 * process, and dynalite persisting under the data folder.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { settings, logger } = options;
  await privateDirectory(options.dataDir);
  const store = await startDynalite({ path: path.join(options.dataDir, 'db'), requireSecret: true });
  const client = localDynamoClient(store.endpoint, store.credentials, store.inProcess);
  // Tests only (test/infra/iam.test.ts): each call credited to the function whose code makes it.
  // Without a call log nothing asks which function runs, so no AsyncLocalStorage is entered: its
  // promise hooks run for every promise in the process, and a ping through the SDK makes many.
  const asFunction = settings.CRONSENTRY_AWS_CALL_LOG ? creditTo : <T>(_name: FunctionName, run: () => T): T => run();
  if (settings.CRONSENTRY_AWS_CALL_LOG) {
    const sink = jsonLinesSink(settings.CRONSENTRY_AWS_CALL_LOG);
    recordAwsCalls(client, { functionOf: functionNow, sink, account: 'sandbox', tableName: settings.TABLE_NAME });
  }
  await ensureTable(client, settings.TABLE_NAME);
  const documents = createDocumentClient(client);

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host === '0.0.0.0' || options.host === '127.0.0.1' ? 'localhost' : options.host}:${port}`;

  const startedAt = Date.now();
  const bus = new LocalAlertBus(
    // The in-process subscriber of the alerts "topic": the same notifier the AWS Lambda runs.
    (message: AlertMessage) =>
      asFunction('notifier', () => services.alerts.notifier.deliver(message)).then(() => undefined),
    // The sandbox's stand-in for SNS's and Lambda's own queues: a client of its own, so that its
    // calls are never recorded as one of the functions' (test/infra/iam.test.ts).
    new StorePendingAlerts(
      createDocumentClient(localDynamoClient(store.endpoint, store.credentials, store.inProcess)),
      settings.TABLE_NAME,
    ),
    logger,
  );
  // The bus's subscriber runs only after start-up, when `services` exists.
  const services: Services = createServices({
    documents,
    settings,
    logger,
    bus,
    ...(options.alerts ? { alerts: options.alerts } : {}),
    publicUrl: settings.CRONSENTRY_PUBLIC_URL ?? url,
    // The outage guard's canary pings this very process through its ping route, end to end.
    canaryUrl: settings.CRONSENTRY_CANARY_URL ?? url,
    // One process per data folder (the store holds a lock): a claim older than this process is dead.
    deadClaimsBefore: startedAt,
  });
  const apiKey = await ensureLocalKey(services, options.dataDir, options.apiKey);

  const api = buildApiHandler({
    access: services.access,
    routes: apiRoutes(services, settings.CRONSENTRY_MIN_SECONDS * 1000),
    clock: Date.now,
    logger,
    publicUrl: services.publicUrl,
  }) as unknown as LambdaHandler;
  const ping = buildPingHandler({ pings: services.pings, clock: Date.now, logger }) as unknown as LambdaHandler;
  const badge = buildBadgeHandler({ badges: services.badges, clock: Date.now, logger }) as unknown as LambdaHandler;
  const openapi = buildOpenApiHandler(async () => openApiDocument);

  server.on('request', (request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error('sandbox request failed', { error: (error as Error).message });
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'internal', message: 'sandbox error' } }));
    });
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const body = await readBody(request);
    if (body === undefined) return send(response, tooLarge());
    const target = request.url ?? '/';
    const isPing = PING_PATH.test(target);
    const isBadge = target.startsWith('/badge/');
    if (!isPing && !isBadge && !target.startsWith('/api/') && target !== '/api') {
      return send(response, await serveStatic(options.dashboardDir, target));
    }
    const event = toApiGatewayEvent({
      method: request.method ?? 'GET',
      url: target,
      headers: request.headers,
      body,
      sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, ''),
      host: request.headers.host,
    });
    if (isPing && options.pingOutageFile && existsSync(options.pingOutageFile)) {
      return send(response, {
        status: 503,
        headers: { 'content-type': 'text/plain' },
        body: Buffer.from('ping intake down (test switch)'),
      });
    }
    // The same dispatch as API Gateway's routes (badges have their own function) and functions/api/index.ts:
    // badges and the OpenAPI document need no key.
    const lambda = isPing ? ping : isBadge ? badge : event.rawPath === OPENAPI_PATH ? openapi : api;
    const context = lambdaContext(event.requestContext.requestId);
    // Each call records as the function that serves the route on AWS (badges: functions/badge).
    const result = await asFunction(isPing ? 'ping' : isBadge ? 'badge' : 'api', () => lambda(event, context));
    send(response, fromApiGatewayResult(result));
  }

  let sweeping: Promise<void> | undefined;
  const sweepNow = async () => {
    sweeping ??= asFunction('checker', () => services.checker.sweep(Date.now()))
      .then(() => bus.retryDue())
      .then(() => undefined)
      .catch((error: unknown) => logger.error('sweep failed', { error: (error as Error).message }))
      .finally(() => (sweeping = undefined));
    await sweeping;
  };
  // Alerts a killed process was delivering are delivered now, as are deadlines that passed while
  // the sandbox was down: not one sweep interval from now.
  await bus.retryDue(Number.POSITIVE_INFINITY);
  const timer = setInterval(() => void sweepNow(), settings.CRONSENTRY_SWEEP_SECONDS * 1000);
  void sweepNow();

  return {
    url,
    apiKey,
    services,
    sweepNow,
    close: async () => {
      clearInterval(timer);
      await sweeping;
      await bus.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      client.destroy();
      await store.close();
    },
  };
}

/**
 * The local project and its read-write key. A key given in the environment is registered as is;
 * otherwise one is generated on first start and kept (mode 600) in the data folder.
 */
async function ensureLocalKey(services: Services, dataDir: string, given: string | undefined): Promise<string> {
  const now = Date.now();
  await services.access.ensureProject(LOCAL_PROJECT_ID, 'Local', now);
  const keyFile = path.join(dataDir, 'api-key');
  const secret = given ?? (await readFile(keyFile, 'utf8').catch(() => '')).trim();
  const chosen = secret && isWellFormedKey(secret) ? secret : generateKeySecret();
  if (given && !isWellFormedKey(given)) {
    throw new Error(
      'CRONSENTRY_API_KEY must look like csk_ followed by 43 letters, digits, - or _ (or leave it unset)',
    );
  }
  if (!(await services.accessStores.apiKeys.findKeyByHash(hashKey(chosen)))) {
    await services.access.createKey(
      { projectId: LOCAL_PROJECT_ID, role: 'read-write', name: 'local', secret: chosen },
      now,
    );
  }
  if (!given) await writeFile(keyFile, `${chosen}\n`, { mode: 0o600 });
  return chosen;
}

/**
 * The request body, or undefined when it is larger than AWS would deliver (the rest is read and
 * dropped, so the 413 reaches the client). Plain events: no async iterator per request.
 */
function readBody(request: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.once('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks, size)));
    request.once('error', reject);
  });
}

function tooLarge(): PlainResponse {
  const body = {
    error: { code: 'payload_too_large', message: `request body is larger than ${MAX_REQUEST_BYTES} bytes` },
  };
  return { status: 413, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}

function send(response: http.ServerResponse, plain: PlainResponse) {
  response.writeHead(plain.status, { ...plain.headers, 'content-length': String(plain.body.length) });
  response.end(plain.body);
}

function lambdaContext(requestId: string): Context {
  return {
    awsRequestId: requestId,
    functionName: 'sandbox',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:sandbox',
    memoryLimitInMB: '256',
    logGroupName: 'sandbox',
    logStreamName: 'sandbox',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
