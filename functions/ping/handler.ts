import middy from '@middy/core';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { MAX_PING_BODY_BYTES, type PingService } from '../../shared/app/ping-service';
import { UUID_PATTERN } from '../../shared/app/validation';
import { httpErrors, type ErrorLogger } from '../http/error-middleware';
import { bodyText, type HttpEvent, type HttpResult } from '../http/responses';
import { parsePingPath, type ParsedPingPath, type PingDialect } from './ping-path';
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

/** Healthchecks' answers are plain text; clients such as runitor read only the status and headers. */
function plain(statusCode: number, text: string, dialect: PingDialect, method: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      // What Django's never_cache sends; `no-store` alone was CronSentry's before.
      'cache-control': 'max-age=0, no-cache, no-store, must-revalidate, private',
      ...(statusCode < 300 ? { 'ping-body-limit': String(MAX_PING_BODY_BYTES) } : {}),
      // Browsers may ping (Healthchecks allows it); nothing here is secret or credentialed.
      ...(dialect === 'healthchecks' ? { 'access-control-allow-origin': '*' } : {}),
    },
    body: method === 'HEAD' ? '' : text,
  };
}

/**
 * A malformed ping to a job that exists is a 400 in Healthchecks, but only once the job is found
 * (an unknown one stays 404), so look it up first; nothing is recorded.
 */
async function refuse(
  deps: PingHandlerDeps,
  parsed: ParsedPingPath,
  create: boolean,
  text: string,
  method: string,
): Promise<HttpResult> {
  await deps.pings.locate('jobId' in parsed.target ? parsed.target : { ...parsed.target, create }, deps.clock());
  return plain(400, text, parsed.dialect, method);
}

/**
 * The ping Lambda: the one route a job's crontab line calls. Answers `OK`, never needs a key.
 * Errors of Healthchecks' URLs are its plain-text answers; CronSentry's own keep the JSON errors.
 */
export function buildPingHandler(deps: PingHandlerDeps) {
  return middy<HttpEvent, HttpResult>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      const method = event.requestContext.http.method.toUpperCase();
      const path = event.rawPath ?? event.requestContext.http.path;
      const parsed = parsePingPath(path);
      const dialect: PingDialect = parsed?.dialect ?? (path.startsWith('/ping') ? 'healthchecks' : 'native');
      try {
        if (!parsed || !PING_METHODS.has(method)) throw new NotFoundError('job');
        return await answer(deps, event, parsed, method);
      } catch (error) {
        if (dialect === 'healthchecks' && error instanceof NotFoundError)
          return plain(404, 'not found', dialect, method);
        throw error;
      }
    });
}

async function answer(deps: PingHandlerDeps, event: HttpEvent, parsed: ParsedPingPath, method: string) {
  const { dialect, target, signal } = parsed;
  const query = event.queryStringParameters ?? {};
  const create = query.create === '1';
  if (parsed.invalid === 'slug-case') return plain(400, 'invalid url format', dialect, method);
  if (parsed.invalid === 'exit-status') return refuse(deps, parsed, create, 'invalid url format', method);
  let runId = query.rid;
  if (runId !== undefined && dialect === 'healthchecks') {
    // Healthchecks takes only UUIDs (in either case) as run ids.
    runId = runId.toLowerCase();
    if (!UUID_PATTERN.test(runId)) return refuse(deps, parsed, create, 'invalid uuid format', method);
  }
  if (runId !== undefined && !RUN_ID.test(runId)) {
    throw ValidationError.of('rid', 'must be a UUID or another id of up to 64 letters, digits, - or _');
  }
  const request = {
    ...signal,
    runId,
    method,
    sourceIp: viewerAddress(event.headers, event.requestContext.http.sourceIp, deps.originSecret),
    userAgent: event.requestContext.http.userAgent ?? '',
    body: method === 'POST' ? bodyText(event) : '',
  };
  const now = deps.clock();
  if ('jobId' in target) {
    await deps.pings.record({ ...request, jobId: target.jobId }, now);
    return plain(200, 'OK', dialect, method);
  }
  const { created } = await deps.pings.recordBySlug({ ...request, ...target, create }, now);
  // Healthchecks says 201 `Created` when `?create=1` made the check; CronSentry's routes say OK.
  return created && dialect === 'healthchecks'
    ? plain(201, 'Created', dialect, method)
    : plain(200, 'OK', dialect, method);
}
