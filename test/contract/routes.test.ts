import { describe, expect, it } from 'vitest';
import document from '../../contract/openapi.json';
import { BADGE_ROUTES } from '../../functions/badge/handler';
import { OPENAPI_PATH } from '../../functions/api/openapi-handler';
import { apiRoutes } from '../../functions/api/routes';
import { PING_PARAMETERS, PING_ROUTES } from '../../functions/ping/ping-path';
import { localDynamoClient } from '../../sandbox/local-store';
import { createServices } from '../../shared/wiring/services';
import { readSettings } from '../../shared/config';
import { createDocumentClient } from '../../shared/storage/document-client';
import { contractProblem, documentedPath } from '../support/contract';
import { silentLogger } from '../support/services';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'] as const;
const paths = document.paths as unknown as Record<string, Record<string, { security?: unknown[]; responses: object }>>;

/** The management routes exactly as the API Lambda and the sandbox serve them (no store is touched). */
function servedApiRoutes(): string[] {
  const services = createServices({
    documents: createDocumentClient(localDynamoClient('http://127.0.0.1:9')),
    settings: readSettings({}),
    bus: { publish: async () => undefined },
    logger: silentLogger,
  });
  return apiRoutes(services, 60_000).map((route) => `${route.method} ${route.path}`);
}

/** Every route the routers serve: the API's route list, the ping table, the badge table, the document itself. */
function servedRoutes(): { method: string; path: string }[] {
  return [
    ...servedApiRoutes().map((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return { method, path };
    }),
    ...PING_ROUTES.flatMap((route) => ['GET', 'POST', 'HEAD'].map((method) => ({ method, path: route.path }))),
    ...BADGE_ROUTES.flatMap((route) => ['GET', 'HEAD'].map((method) => ({ method, path: route.path }))),
    { method: 'GET', path: OPENAPI_PATH },
  ];
}

/** A value each path parameter accepts, so a template becomes a URL a router would take. */
const EXAMPLES: Record<string, string> = {
  id: '0b7c3a52-3f0e-4d8a-9d61-2a3c4b5d6e7f',
  code: '0b7c3a52-3f0e-4d8a-9d61-2a3c4b5d6e7f',
  signal: 'start',
  ping_key: 'AbCdEfGhIjKlMnOpQrStUv',
  slug: 'nightly-backup',
  badge_key: 'local.AbCdEfGhIjKlMnOpQrStUv',
  tag: 'prod',
  unique_key: 'a'.repeat(40),
};
const fill = (template: string) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => EXAMPLES[name.split('_or_')[0]!] ?? `<${name}>`);

describe('the OpenAPI document and the routers', () => {
  it('documents every route the routers serve, under the same method', () => {
    const missing = servedRoutes().filter(({ method, path }) => {
      const template = documentedPath(fill(path));
      return !template || !paths[template]?.[method.toLowerCase()];
    });
    expect(missing).toEqual([]);
  });

  it('serves every documented route: each operation is one a router has', () => {
    const served = servedRoutes();
    const servedAs = (method: string, url: string) =>
      served.some((route) => {
        if (route.method !== method) return false;
        const pattern = new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
        return pattern.test(url);
      });
    const documented = Object.entries(paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.length).toBeGreaterThan(60);
    const unserved = documented.filter((operation) => {
      const [method, path] = operation.split(' ') as [string, string];
      return !servedAs(method, fill(path));
    });
    expect(unserved).toEqual([]);
  });

  it('keeps the management routes of the document and of functions/api/routes.ts one list', () => {
    const documented = Object.entries(paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]?.security?.length).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(servedApiRoutes().sort());
  });

  it('gives every keyed operation its 4xx answers, and the ping and badge routes no key', () => {
    for (const [path, item] of Object.entries(paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const statuses = Object.keys(operation.responses);
        if (operation.security?.length)
          expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '404']));
        if (/^\/(api\/ping|ping|badge)\//.test(path)) expect(operation.security, `${method} ${path}`).toEqual([]);
        if (path !== OPENAPI_PATH)
          expect(
            statuses.some((status) => status.startsWith('4')),
            `${method} ${path}`,
          ).toBe(true);
      }
    }
  });

  it('takes each ping parameter with the pattern the ping parser uses', () => {
    const native = paths['/api/ping/{id}']!.get as unknown as {
      parameters: { name: string; schema: { pattern: string } }[];
    };
    expect(native.parameters[0]!.schema.pattern).toBe(PING_PARAMETERS.id.pattern('native').source);
  });

  it('catches an answer the document does not allow', () => {
    const job = { status: 200, method: 'GET', url: '/api/jobs/x', contentType: 'application/json' };
    expect(contractProblem({ ...job, text: JSON.stringify({ error: 'x' }) })).toMatch(/does not fit/);
    expect(contractProblem({ ...job, status: 418, text: '' })).toMatch(/status not documented/);
    expect(
      contractProblem({
        ...job,
        status: 404,
        text: JSON.stringify({ error: { code: 'not_found', message: 'job not found' } }),
      }),
    ).toBeUndefined();
    expect(
      contractProblem({
        ...job,
        url: '/api/me',
        text: JSON.stringify({ project: { id: 'p', name: 'P' }, key: { id: 'k', name: 'n', role: 'admin' } }),
      }),
    ).toMatch(/does not fit/);
    expect(contractProblem({ ...job, url: '/api/nothing-here', status: 200, text: '{}' })).toMatch(/not a refusal/);
    expect(
      contractProblem({ method: 'GET', url: '/ping/x', status: 404, contentType: 'application/json', text: '{}' }),
    ).toMatch(/content type/);
  });
});
