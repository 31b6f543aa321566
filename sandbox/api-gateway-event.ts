import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface PlainRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/api/jobs?status=missing`. */
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body?: Buffer;
  readonly sourceIp?: string;
  readonly host?: string;
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml))/i;

/**
 * Turns an HTTP request into the API Gateway HTTP API (payload v2) event that AWS would hand the
 * same Lambda, so the sandbox and tests call handlers exactly as AWS does.
 */
export function toApiGatewayEvent(request: PlainRequest, now = Date.now()): APIGatewayProxyEventV2 {
  const url = new URL(request.url, 'http://sandbox.invalid');
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[lower] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const body = request.body && request.body.length > 0 ? request.body : undefined;
  const isText = body !== undefined && TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  const method = request.method.toUpperCase();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'sandbox',
      apiId: 'sandbox',
      domainName: request.host ?? headers.host ?? 'localhost',
      domainPrefix: 'sandbox',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body !== undefined && !isText,
  };
}

export interface PlainResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** The HTTP response API Gateway would send for a Lambda's structured result. */
export function fromApiGatewayResult(result: APIGatewayProxyStructuredResultV2 | string): PlainResponse {
  if (typeof result === 'string') {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(result) };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const text = result.body ?? '';
  return {
    status: result.statusCode ?? 200,
    headers,
    body: result.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}
