import { paginateScan } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { buildApiHandler } from '../../functions/api/handler';
import { apiRoutes } from '../../functions/api/routes';
import type { Route } from '../../functions/api/route';
import { fromApiGatewayResult, toApiGatewayEvent } from '../../sandbox/api-gateway-event';
import { asFunction } from '../support/aws-calls';
import { assertContract } from '../support/contract';
import { servicesFor, silentLogger } from '../support/services';
import type { StoreName } from '../support/stores';

type Lambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface ApiAnswer {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
}

/** The real API handler (every route of `apiRoutes`) over a fresh table, called with API Gateway v2 events. */
export async function apiHarness(store: StoreName, env: Record<string, string> = {}) {
  const context = await servicesFor(store, env);
  const routes: Route[] = apiRoutes(context.services, context.settings.CRONSENTRY_MIN_SECONDS * 1000);
  const handler = buildApiHandler({
    access: context.services.access,
    routes,
    clock: Date.now,
    logger: silentLogger,
    publicUrl: 'https://cronsentry.example',
  }) as unknown as Lambda;

  async function call(method: string, url: string, key: string | undefined, body?: unknown): Promise<ApiAnswer> {
    const event = toApiGatewayEvent({
      method,
      url,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: Buffer.from(JSON.stringify(body)) } : {}),
    });
    const result = fromApiGatewayResult(await asFunction('api', () => handler(event, {} as Context)));
    const text = result.body.toString('utf8');
    assertContract({ method, url, status: result.status, contentType: result.headers['content-type'], text });
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: result.status, text, json };
  }

  /** Every item of the table, without the advisory `lastUsedAt` (authenticating may move it). */
  async function snapshot(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateScan({ client: context.documents }, { TableName: context.tableName, ConsistentRead: true });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const { lastUsedAt: _lastUsedAt, ...rest } = item;
        items.push(rest);
      }
    }
    return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
  }

  return { ...context, routes, call, snapshot };
}

export const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Fills every `{param}` of a route path with `value`. */
export function fill(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
}

/** A body each write route accepts when it is allowed, so a refusal is about who asks, not what. */
export const VALID_BODIES: Record<string, unknown> = {
  'POST /api/jobs': { name: 'isolation probe', schedule: 'every 1h', grace_time: 5 },
  'PATCH /api/jobs/{id}': { name: 'renamed by probe' },
  'POST /api/keys': { name: 'probe key', role: 'read-write' },
  'POST /api/channels': { kind: 'webhook', name: 'probe hook', settings: { url: 'https://hooks.example/probe' } },
  'PATCH /api/channels/{id}': { name: 'renamed by probe' },
  'PATCH /api/project': { name: 'renamed by probe', create_on_ping: true },
  'POST /api/schedule/preview': { schedule: '0 * * * *' },
  'POST /api/maintenance': { name: 'probe window', cron: '0 3 * * 0', duration: '1h', tag: 'probe' },
  'PATCH /api/maintenance/{id}': { name: 'renamed by probe' },
};

/** Non-GET routes that change nothing, so a read-only key may call them. */
export const SAFE_WRITES = new Set(['POST /api/schedule/preview']);
