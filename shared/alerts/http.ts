import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AlertTransports } from './channel';
import { TransportError } from '../app/alert-ports';
import { DestinationError, parseDestinationUrl, resolveDestination, type ResolvedAddress } from './destinations';

/** A Retry-After longer than this is not waited for within one delivery; the next attempt comes sooner. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * What a failed HTTP delivery stores: a code, plus the status for an answer (`http_404`). Never
 * the receiver's body (anyone could make it say anything, and read-only keys read delivery
 * errors) and never the URL (it may carry a token).
 */
export type HttpFailure =
  | 'invalid_url'
  | 'credentials_in_url'
  | 'blocked_address'
  | 'dns_failed'
  | 'connection_refused'
  | 'connection_reset'
  | 'unreachable'
  | 'timeout'
  | 'tls_error'
  | 'network_error'
  | `http_${number}`;

/**
 * POSTs a body to a channel's receiver, through the destination guard: the host is resolved once,
 * every answer must be an allowed address (see destinations.ts), and the connection goes to that
 * checked address, with the URL's host name kept for the Host header and TLS (SNI and the
 * certificate check), so a DNS answer that changes between check and connect cannot move it.
 * Redirects are not followed. 2xx is sent; 429, 5xx, timeouts and network failures may work later
 * (transient); any other status is the receiver saying no (permanent).
 */
export async function post(
  transports: AlertTransports,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<string> {
  const policy = transports.destinations ?? {};
  let target: URL;
  let address: ResolvedAddress;
  try {
    target = parseDestinationUrl(url);
    address = await resolveDestination(target, policy);
  } catch (error) {
    if (!(error instanceof DestinationError)) throw error;
    // DNS may answer later; a refused address or URL will not change by trying again.
    throw new TransportError(error.code, error.code !== 'dns_failed', { cause: error });
  }
  let status: number;
  let retryAfter: string | undefined;
  try {
    ({ status, retryAfter } = await send(target, address, body, headers, transports.httpTimeoutMs));
  } catch (error) {
    throw new TransportError(networkFailure(error), false, { cause: error });
  }
  if (status >= 200 && status < 300) return `HTTP ${status}`;
  const failure: HttpFailure = `http_${status}`;
  if (status === 429 || status >= 500) {
    throw new TransportError(failure, false, { retryAfterMs: retryAfterMs(retryAfter ?? null) });
  }
  throw new TransportError(failure, true);
}

/** One request to the checked address; resolves with the status as soon as the headers arrive. */
function send(
  target: URL,
  address: ResolvedAddress,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; retryAfter?: string }> {
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(target, {
      method: 'POST',
      headers: { 'user-agent': 'CronSentry-Alerts/1', 'content-length': Buffer.byteLength(body), ...headers },
      // A fresh connection every time: a pooled socket would skip the lookup below.
      agent: false,
      lookup: pinnedLookup(address),
      signal: AbortSignal.timeout(timeoutMs),
    });
    request.once('response', (response) => {
      const value = response.headers['retry-after'];
      resolve({ status: response.statusCode ?? 0, ...(value ? { retryAfter: String(value) } : {}) });
      // The body is never read: nothing in it is stored or trusted.
      response.destroy();
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A `lookup` that answers every question with the address already checked. */
function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  }) as unknown as LookupFunction;
}

const NETWORK_CODES: Record<string, HttpFailure> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENOTFOUND: 'dns_failed',
  EAI_AGAIN: 'dns_failed',
};

function networkFailure(error: unknown): HttpFailure {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ABORT_ERR') return 'timeout';
  if (code && NETWORK_CODES[code]) return NETWORK_CODES[code];
  if (code && /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code)) return 'tls_error';
  return 'network_error';
}

/** `Retry-After: 3` or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}
