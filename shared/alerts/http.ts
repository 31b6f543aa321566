import { TransportError, type AlertTransports } from './channel';

/** A Retry-After longer than this is not waited for within one delivery; the next attempt comes sooner. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * POSTs a body and sorts the outcome: 2xx is sent; 429 and 5xx, timeouts and network failures may
 * work later (transient); any other status is the receiver saying no (permanent). The response
 * body is read only for a short detail, never trusted.
 */
export async function post(
  transports: AlertTransports,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<string> {
  let response: Response;
  try {
    response = await transports.fetch(url, {
      method: 'POST',
      headers: { 'user-agent': 'CronSentry-Alerts/1', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(transports.httpTimeoutMs),
    });
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    const reason =
      name === 'TimeoutError' || name === 'AbortError'
        ? `no answer within ${transports.httpTimeoutMs} ms`
        : `could not connect (${describeNetworkError(error)})`;
    throw new TransportError(reason, false, { cause: error });
  }
  const detail = await responseDetail(response);
  if (response.ok) return `HTTP ${response.status}`;
  const message = `HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
  if (response.status === 429 || response.status >= 500) {
    throw new TransportError(message, false, { retryAfterMs: retryAfterMs(response.headers.get('retry-after')) });
  }
  throw new TransportError(message, true);
}

async function responseDetail(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.replace(/\s+/g, ' ').trim().slice(0, 200);
  } catch {
    return '';
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (error as Error | null)?.message ?? 'network error';
}

/** `Retry-After: 3` or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}
