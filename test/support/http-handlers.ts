import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { buildApiHandler } from '../../functions/api/handler';
import { apiRoutes } from '../../functions/api/routes';
import { buildPingHandler } from '../../functions/ping/handler';
import { toApiGatewayEvent } from '../../sandbox/api-gateway-event';
import type { Services } from '../../shared/wiring/services';
import { asFunction } from './aws-calls';
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
 * Calls the real API and ping handlers with the API Gateway v2 events AWS would send, so handler
 * tests exercise routing, auth, validation and error mapping exactly as deployed.
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
    const isPing = url.startsWith('/api/ping/');
    const result = await asFunction(isPing ? 'ping' : 'api', () => (isPing ? ping : api)(event, {} as Context));
    const text = result.body ?? '';
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string>, text, json };
  };
}
