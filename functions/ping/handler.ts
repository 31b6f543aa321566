import middy from '@middy/core';
import type { SignalKind } from '../../shared/domain/job';
import { NotFoundError, ValidationError } from '../../shared/errors';
import type { PingService } from '../../shared/app/ping-service';
import { httpErrors, type ErrorLogger } from '../http/error-middleware';
import { bodyText, type HttpEvent, type HttpResult } from '../http/responses';
import { isPingKey, isSlug } from '../../shared/app/slugs';
import { UUID_PATTERN } from '../../shared/app/validation';
import { viewerAddress } from './viewer-address';

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PING_METHODS = new Set(['GET', 'POST', 'HEAD']);

export interface PingHandlerDeps {
  readonly pings: PingService;
  readonly clock: () => number;
  readonly logger: ErrorLogger;
  /** The value CloudFront sends in ORIGIN_SECRET_HEADER; without it the viewer address header is ignored. */
  readonly originSecret?: string;
}

export interface ParsedSignal {
  readonly kind: SignalKind;
  readonly exitCode?: number;
}

export interface ParsedPing extends ParsedSignal {
  readonly jobId: string;
}

export interface ParsedSlugPing extends ParsedSignal {
  readonly pingKey: string;
  readonly slug: string;
}

/** `start`, `fail`, `log`, an exit code 0–255, or nothing (success). */
function parseSignal(signal: string | undefined): ParsedSignal | undefined {
  if (signal === undefined) return { kind: 'success' };
  if (signal === 'start' || signal === 'fail' || signal === 'log') return { kind: signal };
  if (/^\d{1,3}$/.test(signal)) {
    const exitCode = Number(signal);
    if (exitCode > 255) return undefined;
    return exitCode === 0 ? { kind: 'success', exitCode } : { kind: 'fail', exitCode };
  }
  return undefined;
}

function pathParts(path: string): string[] | undefined {
  const parts = path.replace(/\/+$/, '').split('/');
  return parts[1] === 'api' && parts[2] === 'ping' ? parts.slice(3) : undefined;
}

/**
 * `/api/ping/{id}` and `/api/ping/{id}/{start|fail|log|<exit code>}`. Anything else, including a
 * malformed id, is the same 404 an unknown id gets: nobody learns which ids exist.
 */
export function parsePingPath(path: string): ParsedPing | undefined {
  const parts = pathParts(path);
  if (!parts || parts.length < 1 || parts.length > 2) return undefined;
  const jobId = (parts[0] ?? '').toLowerCase();
  if (!UUID_PATTERN.test(jobId)) return undefined;
  const signal = parseSignal(parts[1]);
  return signal && { jobId, ...signal };
}

/**
 * `/api/ping/{ping key}/{slug}` and the same with `/{start|fail|log|<exit code>}` after the slug.
 * Only the shape is checked here; whether key and slug exist is the service's (one) question.
 */
export function parseSlugPingPath(path: string): ParsedSlugPing | undefined {
  const parts = pathParts(path);
  if (!parts || parts.length < 2 || parts.length > 3) return undefined;
  const [pingKey = '', slug = ''] = parts;
  if (!isPingKey(pingKey) || !isSlug(slug)) return undefined;
  const signal = parseSignal(parts[2]);
  return signal && { pingKey, slug, ...signal };
}

/** The ping Lambda: the one route a job's crontab line calls. Answers `OK`, never needs a key. */
export function buildPingHandler(deps: PingHandlerDeps) {
  return middy<HttpEvent, HttpResult>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      const method = event.requestContext.http.method.toUpperCase();
      const path = event.rawPath ?? event.requestContext.http.path;
      const byId = parsePingPath(path);
      const bySlug = byId ? undefined : parseSlugPingPath(path);
      if ((!byId && !bySlug) || !PING_METHODS.has(method)) throw new NotFoundError('job');
      const query = event.queryStringParameters ?? {};
      const runId = query.rid;
      if (runId !== undefined && !RUN_ID.test(runId)) {
        throw ValidationError.of('rid', 'must be a UUID or another id of up to 64 letters, digits, - or _');
      }
      const request = {
        runId,
        method,
        sourceIp: viewerAddress(event.headers, event.requestContext.http.sourceIp, deps.originSecret),
        userAgent: event.requestContext.http.userAgent ?? '',
        body: method === 'POST' ? bodyText(event) : '',
      };
      if (byId) await deps.pings.record({ ...byId, ...request }, deps.clock());
      else await deps.pings.recordBySlug({ ...bySlug!, ...request, create: query.create === '1' }, deps.clock());
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: method === 'HEAD' ? '' : 'OK',
      };
    });
}
