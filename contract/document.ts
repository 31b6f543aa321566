import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { OPENAPI_PATH } from '../functions/api/openapi-handler';
import { BADGE_ROUTES } from '../functions/badge/handler';
import { PING_PARAMETERS, PING_ROUTES, type PingDialect, type PingParameter } from '../functions/ping/ping-path';
import { MAX_PING_BODY_BYTES } from '../shared/app/ping-service';
import { API_OPERATIONS, type ApiOperation } from './operations';
import * as responses from './responses';

/**
 * The OpenAPI 3.1 description of every route CronSentry serves, built from the zod schemas that
 * validate requests (shared/, contract/operations.ts), the answers' schemas (contract/responses.ts),
 * the ping route table (functions/ping/ping-path.ts) and the badge route table. `npm run contract`
 * writes it to contract/openapi.json, which the API serves at `GET /api/openapi.json`.
 */

const BEARER = 'BearerKey';
const HEADER_KEY = 'ApiKeyHeader';

type Method = 'get' | 'post' | 'patch' | 'delete' | 'put' | 'head';

const json = (schema: z.ZodType, description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});
const text = (description: string): ResponseConfig => ({
  description,
  content: { 'text/plain': { schema: z.string() } },
});

/** A recorded ping's answer, with the header runitor and `cronsentry exec` read to cut the output they send. */
const recorded = (description: string): ResponseConfig => ({
  ...text(description),
  headers: {
    'Ping-Body-Limit': {
      description: `How many bytes of a request body are kept (${MAX_PING_BODY_BYTES}), as Healthchecks sends it.`,
      schema: { type: 'integer' },
    },
  },
});

/** CronSentry's errors (or Healthchecks' on its routes) that every keyed route may answer. */
function apiErrors(operation: ApiOperation, method: string): Record<string, ResponseConfig> {
  const error = operation.healthchecks ? responses.healthchecksErrorSchema : responses.errorSchema;
  return {
    ...(method === 'GET' ? { 304: { description: 'Not modified: `If-None-Match` named the current `ETag`.' } } : {}),
    400: json(error, 'The request is not valid; the error names the field.'),
    // Keys are checked before routing, with CronSentry's error shape on every route.
    401: json(responses.errorSchema, 'No key, or a key that is not valid.'),
    403: json(error, 'The key may not do this (a read-only key on a write route).'),
    404: json(error, 'Nothing of that id in the key’s project (or no such thing at all).'),
    ...(operation.body || operation.healthchecks || method === 'POST'
      ? { 409: json(error, 'Someone else changed it at the same time, or it is in another state.') }
      : {}),
    ...(operation.body ? { 413: json(error, 'The body is larger than 64 KB.') } : {}),
    500: json(responses.errorSchema, 'Something went wrong on our side; it has been logged.'),
  };
}

function registerApi(registry: OpenAPIRegistry) {
  for (const [route, operation] of Object.entries(API_OPERATIONS)) {
    const [method, path] = route.split(' ') as [string, string];
    const roles = operation.access === 'write' ? ['read-write'] : [];
    const success = Object.fromEntries(
      Object.entries(operation.success).map(([status, schema]) => [
        status,
        schema ? json(schema, 'Success') : { description: 'Done; no content.' },
      ]),
    );
    registry.registerPath({
      method: method.toLowerCase() as Method,
      path,
      summary: operation.summary,
      tags: [operation.tag],
      // Healthchecks' paths end in a slash; the bare form is an alias with an id of its own.
      operationId: operationId(method, path) + (API_OPERATIONS[`${route}/`] ? 'WithoutSlash' : ''),
      security: [{ [BEARER]: roles }, { [HEADER_KEY]: roles }],
      ...(operation.params || operation.query ? { request: { params: operation.params, query: operation.query } } : {}),
      ...(operation.body
        ? {
            request: {
              params: operation.params,
              query: operation.query,
              body: { required: true, content: { 'application/json': { schema: operation.body } } },
            },
          }
        : {}),
      responses: { ...success, ...apiErrors(operation, method) },
    });
  }
}

/**
 * OpenAPI forbids two templates of the same shape (`/ping/{id}/{signal}` and
 * `/ping/{ping_key}/{slug}`), so templates of one shape share a path whose parameters take
 * either value (`{id_or_ping_key}`); the parser still tells them apart (a UUID is never a ping key).
 */
function pingPaths(): { dialect: PingDialect; path: string; parameters: PingParameter[][] }[] {
  const byShape = new Map<string, { dialect: PingDialect; pieces: string[][] }>();
  for (const route of PING_ROUTES) {
    const pieces = route.path.split('/');
    const shape = `${route.dialect} ${pieces.map((piece) => (piece.startsWith('{') ? '{}' : piece)).join('/')}`;
    const entry = byShape.get(shape) ?? { dialect: route.dialect, pieces: [] };
    entry.pieces.push(pieces);
    byShape.set(shape, entry);
  }
  return [...byShape.values()].map(({ dialect, pieces }) => {
    const first = pieces[0]!;
    const parameters: PingParameter[][] = [];
    const path = first
      .map((piece, index) => {
        if (!piece.startsWith('{')) return piece;
        const names = [...new Set(pieces.map((template) => template[index]!.slice(1, -1) as PingParameter))];
        parameters.push(names);
        return `{${names.join('_or_')}}`;
      })
      .join('/');
    return { dialect, path, parameters };
  });
}

function pingParameter(names: PingParameter[], dialect: PingDialect) {
  const schemas = names.map((name) => {
    const { pattern, maxLength, description } = PING_PARAMETERS[name];
    const schema = z.string().regex(pattern(dialect));
    return (maxLength ? schema.max(maxLength) : schema).meta({ description });
  });
  const schema = schemas.length === 1 ? schemas[0]! : z.union(schemas as [z.ZodString, z.ZodString]);
  return [names.join('_or_'), schema.meta({ param: { description: names.join(' or ') } })] as const;
}

function registerPings(registry: OpenAPIRegistry) {
  for (const { dialect, path, parameters } of pingPaths()) {
    const native = dialect === 'native';
    const failure = (description: string): ResponseConfig =>
      native ? json(responses.errorSchema, description) : text(description);
    for (const method of ['get', 'post', 'head'] as const) {
      registry.registerPath({
        method,
        path,
        operationId: operationId(method, path),
        tags: [native ? 'Pings' : 'Healthchecks pings'],
        summary: native
          ? 'Ping a job: it ran (or started, failed, logged)'
          : 'Ping a check, Healthchecks-compatible (`https://<cronsentry>/ping` replaces `https://hc-ping.com`)',
        description:
          'No key: the job id (or the ping key) in the path is the credential. A malformed id is the same 404 as an ' +
          'unknown one. A trailing slash is ignored.',
        security: [],
        request: {
          params: z.object(Object.fromEntries(parameters.map((names) => pingParameter(names, dialect)))),
          query: z.object({
            rid: z
              .string()
              .optional()
              .meta({ description: 'Run id, pairing a start with its finish (a UUID on Healthchecks URLs).' }),
            create: z
              .enum(['1'])
              .optional()
              .meta({ description: 'Slug URLs: create the job if the project allows it.' }),
          }),
          ...(method === 'post'
            ? {
                body: {
                  content: {
                    'text/plain': {
                      schema: z.string().meta({ description: 'The run’s output; the first 10 KB are kept.' }),
                    },
                  },
                },
              }
            : {}),
        },
        responses: {
          200: recorded('`OK`: recorded (empty for HEAD).'),
          ...(native ? {} : { 201: recorded('`Created`: `?create=1` made the check.') }),
          400: failure(native ? 'A run id that is not valid.' : '`invalid url format` or `invalid uuid format`.'),
          404: failure('No such job (or a malformed id).'),
          500: json(responses.errorSchema, 'Something went wrong on our side; it has been logged.'),
        },
      });
    }
  }
}

const BADGE_BODY: Record<string, ResponseConfig> = {
  svg: { description: 'The badge', content: { 'image/svg+xml': { schema: z.string() } } },
  json: json(responses.badgeJsonSchema, 'How many jobs are up, late and down'),
  shields: json(responses.badgeShieldsSchema, "For Shields.io's endpoint badge"),
};

function registerBadges(registry: OpenAPIRegistry) {
  for (const route of BADGE_ROUTES) {
    const format = route.path.slice(route.path.lastIndexOf('.') + 1);
    for (const method of ['get', 'head'] as const) {
      registry.registerPath({
        method,
        path: route.path,
        operationId: operationId(method, route.path),
        tags: ['Badges'],
        summary: route.summary,
        description: 'No key: the badge key (in `GET /api/v3/badges/`) is the capability.',
        security: [],
        request: {
          params: z.object({
            badge_key: z.string().meta({ description: "The project's badge key." }),
            ...(route.path.includes('{tag}')
              ? { tag: z.string().meta({ description: 'A tag (URL-encoded), or `*` for every job.' }) }
              : {
                  unique_key: z
                    .string()
                    .regex(/^[0-9a-f]{40}$/)
                    .meta({ description: "The job's `unique_key`." }),
                }),
          }),
        },
        responses: {
          200: BADGE_BODY[format]!,
          404: json(responses.errorSchema, 'No such badge.'),
          500: json(responses.errorSchema, 'Something went wrong on our side; it has been logged.'),
        },
      });
    }
  }
}

function operationId(method: string, path: string): string {
  const words = path
    .replace(/\.(\w+)$/, '-$1')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((word) => word[0]!.toUpperCase() + word.slice(1))].join('');
}

/**
 * zod-to-openapi 9.1 writes a regex as `String(regex)` without its slashes, so a flag stays
 * behind (`…$/u`). JSON Schema patterns are Unicode-aware already, so a trailing `/u` is dropped;
 * any other flag would change the meaning, and is refused here rather than published wrong.
 */
function withoutRegexFlags<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutRegexFlags) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (key !== 'pattern' || typeof item !== 'string') return [key, withoutRegexFlags(item)];
      const flagged = /\/([dgimsuvy]+)$/.exec(item);
      if (!flagged) return [key, item];
      if (flagged[1] !== 'u') throw new Error(`pattern ${item}: JSON Schema has no regex flags`);
      return [key, item.slice(0, -2)];
    }),
  ) as T;
}

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key (`csk_…`) as `Authorization: Bearer <key>`. Scopes name the role a route needs: read-write, or any key.',
  });
  registry.registerComponent('securitySchemes', HEADER_KEY, {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: 'The same key in `X-Api-Key` (what Healthchecks clients send).',
  });
  registry.registerPath({
    method: 'get',
    path: OPENAPI_PATH,
    operationId: 'getOpenapi',
    tags: ['Contract'],
    summary: 'This document',
    security: [],
    responses: {
      200: {
        description: 'The OpenAPI 3.1 document',
        content: { 'application/json': { schema: z.looseObject({ openapi: z.string() }) } },
      },
    },
  });
  registerApi(registry);
  registerPings(registry);
  registerBadges(registry);
  const document = new OpenApiGeneratorV31(registry.definitions, { sortComponents: 'alphabetically' }).generateDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'CronSentry API',
        version: '1',
        description:
          'Pings, the management API, the Healthchecks-compatible ping URLs and Management API v3, and status badges. ' +
          'Generated from the zod schemas that validate every request (`npm run contract`); see docs/api.md.',
      },
      servers: [{ url: '/', description: 'The deployment (or `npm start` on http://localhost:8080)' }],
      tags: Object.entries({
        Jobs: 'Jobs, their schedules, pings and status changes.',
        Access: 'The project and its API keys.',
        Alerts: 'Alert channels and the record of deliveries.',
        Maintenance: 'Maintenance windows: alerts held while statuses are still recorded (docs/alerts.md).',
        'AWS events': 'EventBridge state-change events as signals (docs/aws-events.md).',
        Pings: "CronSentry's ping URLs (no key).",
        'Healthchecks pings': "Healthchecks' ping URLs (no key; docs/compat.md).",
        'Healthchecks Management API v3': "Healthchecks' Management API over CronSentry's jobs (docs/compat.md).",
        Badges: 'Status badges (no key; the badge key is the capability).',
        Contract: 'This OpenAPI document.',
      }).map(([name, description]) => ({ name, description })),
    },
  );
  return withoutRegexFlags(document);
}
