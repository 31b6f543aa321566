import { errorBody, json, type HttpEvent, type HttpResult } from '../http/responses';

/** Where the OpenAPI document is served: no key, like the ping and badge routes it describes. */
export const OPENAPI_PATH = '/api/openapi.json';

/**
 * `GET /api/openapi.json`: the generated document (contract/openapi.json), loaded and serialised
 * once per container, on its first request: the document is ~300 kB and most containers never
 * serve it, so the cold start does not pay for it (the api function passes a dynamic import,
 * which esbuild keeps in the bundle unevaluated). No key: it describes routes, it holds no data.
 */
export function buildOpenApiHandler(document: () => Promise<unknown>) {
  let body: Promise<string> | undefined;
  return async (event: HttpEvent): Promise<HttpResult> => {
    const method = event.requestContext.http.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return json(404, errorBody('not_found', 'no such route'));
    const { headers } = json(200, {});
    return {
      statusCode: 200,
      headers: { ...headers, 'cache-control': 'public, max-age=300' },
      body: method === 'HEAD' ? '' : await (body ??= document().then((loaded) => JSON.stringify(loaded))),
    };
  };
}
