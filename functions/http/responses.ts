import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PayloadTooLargeError, ValidationError } from '../../shared/errors';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** Management request bodies are small JSON documents; anything larger is refused before parsing. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

export function noContent(): HttpResult {
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
}

export function errorBody(code: string, message: string, details?: readonly { field: string; message: string }[]) {
  return {
    error: {
      code,
      message,
      ...(details && details.length ? { field: details[0]!.field, details } : {}),
    },
  };
}

/** The raw request body as text (API Gateway base64-encodes binary bodies). */
export function bodyText(event: HttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Parses a JSON request body; a missing body is `{}` so that the schema names missing fields. */
export function jsonBody(event: HttpEvent): unknown {
  const text = bodyText(event);
  if (Buffer.byteLength(text, 'utf8') > MAX_JSON_BODY_BYTES) throw new PayloadTooLargeError(MAX_JSON_BODY_BYTES);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw ValidationError.of('body', 'is not valid JSON');
  }
}

export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
