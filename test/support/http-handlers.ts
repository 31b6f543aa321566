import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import document from '../../contract/openapi.json';
import { buildBadgeHandler } from '../../functions/badge/handler';
import { buildApiHandler } from '../../functions/api/handler';
import { buildOpenApiHandler, OPENAPI_PATH } from '../../functions/api/openapi-handler';
import { apiRoutes } from '../../functions/api/routes';
import { buildPingHandler } from '../../functions/ping/handler';
import { toApiGatewayEvent } from '../../sandbox/api-gateway-event';
import type { Services } from '../../shared/wiring/services';
import { asFunction } from './aws-calls';
import { assertContract } from './contract';
import { silentLogger } from './services';

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

type Lambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Calls the real API, ping and badge handlers with the API Gateway v2 events AWS would send, so
 * handler tests exercise routing, auth, validation and error mapping exactly as deployed; every
 * answer is checked against the OpenAPI document.
 */
export function httpClient(services: Services, clock: () => number, minimumMs = 60_000) {
  const api = buildApiHandler({
    access: services.access,
    routes: apiRoutes(services, minimumMs),
    clock,
    logger: silentLogger,
    publicUrl: 'https://cronsentry.example',
  }) as unknown as Lambda;
  const ping = buildPingHandler({ pings: services.pings, clock, logger: silentLogger }) as unknown as Lambda;
  const badge = buildBadgeHandler({ badges: services.badges, clock, logger: silentLogger }) as unknown as Lambda;
  const openapi = buildOpenApiHandler(async () => document) as unknown as Lambda;
  /** The same dispatch as API Gateway's routes and functions/api/index.ts. */
  const lambdaFor = (path: string): [Lambda, 'ping' | 'api' | 'badge'] =>
    /^\/(api\/)?ping\//.test(path)
      ? [ping, 'ping']
      : path.startsWith('/badge/')
        ? [badge, 'badge']
        : path === OPENAPI_PATH
          ? [openapi, 'api']
          : [api, 'api'];

  return async function call(
    method: string,
    url: string,
    options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    const raw = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const event = toApiGatewayEvent({
      method,
      url,
      headers,
      body: raw === undefined ? undefined : Buffer.from(raw),
      host: 'cronsentry.example',
      sourceIp: '203.0.113.7',
    });
    const [lambda, name] = lambdaFor(url.split('?')[0]!);
    const result = await asFunction(name, () => lambda(event, {} as Context));
    const text = result.body ?? '';
    const answerHeaders = (result.headers ?? {}) as Record<string, string>;
    const status = result.statusCode ?? 200;
    assertContract({ method, url, status, contentType: answerHeaders['content-type'], text });
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status, headers: answerHeaders, text, json };
  };
}
