import { assertContract, isRoutedPath, SANDBOX_ORIGINS } from './contract';

/**
 * Every `fetch` a test makes to a sandbox it started is checked against the OpenAPI document
 * (contract.ts): end-to-end tests prove the document as they go, whatever they came to test.
 */
const originalFetch = globalThis.fetch;

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const response = await originalFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!SANDBOX_ORIGINS.has(url.origin) || !isRoutedPath(url.pathname)) return response;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  assertContract({
    method,
    url: url.pathname + url.search,
    status: response.status,
    contentType: response.headers.get('content-type') ?? undefined,
    text: method === 'HEAD' ? '' : await response.clone().text(),
  });
  return response;
};
