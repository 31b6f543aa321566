import type { ReceivedRequest, VendorApi } from '../receiver';

export type VendorAnswer = ReturnType<VendorApi>;

/** A JSON answer, as every vendor here sends them. */
export function jsonAnswer(status: number, body: unknown): VendorAnswer {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The request body as a JSON object, or undefined when it is not one. */
export function jsonBody(request: ReceivedRequest): Record<string, unknown> | undefined {
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return undefined;
  try {
    const value: unknown = JSON.parse(request.body);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Unicode code points, as vendors count "characters". */
export function codePoints(text: string): number {
  return [...text].length;
}

export const isString = (value: unknown): value is string => typeof value === 'string';
