import middy from '@middy/core';
import type { SignalKind } from '../../shared/domain/job';
import { NotFoundError, ValidationError } from '../../shared/errors';
import type { PingService } from '../../shared/app/ping-service';
import { httpErrors, type ErrorLogger } from '../http/error-middleware';
import { bodyText, type HttpEvent, type HttpResult } from '../http/responses';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PING_METHODS = new Set(['GET', 'POST', 'HEAD']);

export interface PingHandlerDeps {
  readonly pings: PingService;
  readonly clock: () => number;
  readonly logger: ErrorLogger;
}

export interface ParsedPing {
  readonly jobId: string;
  readonly kind: SignalKind;
  readonly exitCode?: number;
}

/**
 * `/api/ping/{id}` and `/api/ping/{id}/{start|fail|log|<exit code>}`. Anything else, including a
 * malformed id, is the same 404 an unknown id gets: nobody learns which ids exist.
 */
export function parsePingPath(path: string): ParsedPing | undefined {
  const parts = path.replace(/\/+$/, '').split('/');
  if (parts[1] !== 'api' || parts[2] !== 'ping' || parts.length < 4 || parts.length > 5) return undefined;
  const jobId = (parts[3] ?? '').toLowerCase();
  if (!UUID.test(jobId)) return undefined;
  const signal = parts[4];
  if (signal === undefined) return { jobId, kind: 'success' };
  if (signal === 'start' || signal === 'fail' || signal === 'log') return { jobId, kind: signal };
  if (/^\d{1,3}$/.test(signal)) {
    const exitCode = Number(signal);
    if (exitCode > 255) return undefined;
    return exitCode === 0 ? { jobId, kind: 'success', exitCode } : { jobId, kind: 'fail', exitCode };
  }
  return undefined;
}

/** The ping Lambda: the one route a job's crontab line calls. Answers `OK`, never needs a key. */
export function buildPingHandler(deps: PingHandlerDeps) {
  return middy<HttpEvent, HttpResult>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      const method = event.requestContext.http.method.toUpperCase();
      const parsed = parsePingPath(event.rawPath ?? event.requestContext.http.path);
      if (!parsed || !PING_METHODS.has(method)) throw new NotFoundError('job');
      const runId = event.queryStringParameters?.rid;
      if (runId !== undefined && !RUN_ID.test(runId)) {
        throw ValidationError.of('rid', 'must be a UUID or another id of up to 64 letters, digits, - or _');
      }
      await deps.pings.record(
        {
          ...parsed,
          runId,
          method,
          sourceIp: event.requestContext.http.sourceIp,
          userAgent: event.requestContext.http.userAgent ?? '',
          body: method === 'POST' ? bodyText(event) : '',
        },
        deps.clock(),
      );
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: method === 'HEAD' ? '' : 'OK',
      };
    });
}
