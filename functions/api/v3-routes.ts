import * as z from 'zod';
import { ChannelReferenceError, type HealthchecksApi } from '../../shared/app/healthchecks-api';
import { parseSpec, SpecError } from '../../shared/app/healthchecks-spec';
import { checkView, flipView, pingListView } from '../../shared/app/healthchecks-view';
import { UUID_PATTERN } from '../../shared/app/validation';
import { isUniqueKey } from '../../shared/domain/unique-key';
import type { Job } from '../../shared/domain/job';
import { CronSentryError, NotFoundError } from '../../shared/errors';
import { json, jsonBody, type HttpResult } from '../http/responses';
import { blankIsAbsent, queryOf, type Route, type RouteRequest } from './route';
import { httpStatusOf } from '../http/error-status';

/** The project's badge URLs per tag (`*` = all), in the shape of Healthchecks' `GET /badges/`. */
export type BadgesOf = (request: RouteRequest, tags: readonly string[]) => Promise<Record<string, unknown>>;

/** `GET /api/v3/checks/`: `?tag=` (every one must match; repeat it) and `?slug=`. */
export const checkListQuery = z.object({
  tag: z
    .string()
    .optional()
    // API Gateway joins repeated query parameters with commas.
    .transform((raw) => (raw ? raw.split(',').filter((value) => value !== '') : []))
    .meta({ description: 'Only checks with every one of these tags (repeat the parameter).' }),
  slug: blankIsAbsent(z.string()),
});

const unixSeconds = z
  .string()
  .regex(/^\d{1,12}$/, 'must be a whole number (UNIX time or seconds)')
  .transform(Number)
  .optional();

/** `GET /api/v3/checks/{code}/flips/`: `start`/`end` are UNIX times, `seconds` a look-back from now. */
export const flipQuery = z.object({
  start: unixSeconds.meta({ description: 'UNIX time' }),
  end: unixSeconds.meta({ description: 'UNIX time' }),
  seconds: unixSeconds,
});

interface V3Route extends Route {
  /** Healthchecks' `authorize_read` (any key) or `authorize` (read-write keys only). */
  readonly access: 'read' | 'write';
}

/**
 * Healthchecks' Management API v3 (hc/api/urls.py, templates/docs/api.md): the subset the popular
 * clients use, over CronSentry's jobs. Answers and errors have Healthchecks' shapes
 * (`{"error": "..."}`); the key is checked by the API handler before any route runs.
 */
export function v3Routes(api: HealthchecksApi, badgesOf: BadgesOf): Route[] {
  const view = (job: Job, request: RouteRequest) =>
    checkView(job, {
      now: request.now,
      baseUrl: request.baseUrl,
      readonly: request.principal.role !== 'read-write',
    });
  const code = (request: RouteRequest) => {
    const value = request.event.pathParameters?.code ?? '';
    if (!UUID_PATTERN.test(value)) throw new NotFoundError('check');
    return value;
  };
  /** Read routes take a UUID or, as read-only keys know checks, a `unique_key`. */
  const readable = (request: RouteRequest): Promise<Job> => {
    const value = request.event.pathParameters?.code ?? '';
    if (isUniqueKey(value)) return api.byUniqueKey(request.principal, value);
    return api.get(request.principal, code(request));
  };
  const listChecks = async (request: RouteRequest) => {
    const { tag: tags, slug } = queryOf(request.event, checkListQuery);
    const jobs = await api.list(request.principal, { tags, slug }, request.now);
    return json(200, { checks: jobs.map((job) => view(job, request)) });
  };
  const createCheck = async (request: RouteRequest) => {
    const { job, created } = await api.create(request.principal, parseSpec(jsonBody(request.event)), request.now);
    return json(created ? 201 : 200, view(job, request));
  };

  const routes: V3Route[] = [
    // Healthchecks' paths end in a slash; the bare form is accepted too.
    { method: 'GET', path: '/api/v3/checks/', access: 'read', handle: listChecks },
    { method: 'GET', path: '/api/v3/checks', access: 'read', handle: listChecks },
    { method: 'POST', path: '/api/v3/checks/', access: 'write', handle: createCheck },
    { method: 'POST', path: '/api/v3/checks', access: 'write', handle: createCheck },
    {
      method: 'GET',
      path: '/api/v3/checks/{code}',
      access: 'read',
      handle: async (request) => json(200, view(await readable(request), request)),
    },
    {
      method: 'POST',
      path: '/api/v3/checks/{code}',
      access: 'write',
      handle: async (request) =>
        json(
          200,
          view(
            await api.update(request.principal, code(request), parseSpec(jsonBody(request.event)), request.now),
            request,
          ),
        ),
    },
    {
      method: 'DELETE',
      path: '/api/v3/checks/{code}',
      access: 'write',
      handle: async (request) => json(200, view(await api.remove(request.principal, code(request)), request)),
    },
    {
      method: 'POST',
      path: '/api/v3/checks/{code}/pause',
      access: 'write',
      handle: async (request) =>
        json(200, view(await api.pause(request.principal, code(request), request.now), request)),
    },
    {
      method: 'POST',
      path: '/api/v3/checks/{code}/resume',
      access: 'write',
      handle: async (request) =>
        json(200, view(await api.resume(request.principal, code(request), request.now), request)),
    },
    {
      method: 'GET',
      path: '/api/v3/checks/{code}/pings/',
      access: 'write',
      handle: async (request) => {
        const scheme = new URL(request.baseUrl).protocol.replace(':', '');
        return json(200, { pings: pingListView(await api.pings(request.principal, code(request)), scheme) });
      },
    },
    {
      method: 'GET',
      path: '/api/v3/checks/{code}/flips/',
      access: 'read',
      handle: async (request) => {
        const jobId = (await readable(request)).state.id;
        const flips = await api.flips(request.principal, jobId, queryOf(request.event, flipQuery), request.now);
        return json(200, { flips: flips.map(flipView) });
      },
    },
    {
      method: 'GET',
      path: '/api/v3/channels/',
      access: 'write',
      handle: async (request) => json(200, { channels: await api.channelList(request.principal) }),
    },
    {
      method: 'GET',
      path: '/api/v3/badges/',
      access: 'read',
      handle: async (request) =>
        json(200, {
          badges: await badgesOf(request, ['*', ...(await api.tags(request.principal, request.now))]),
        }),
    },
  ];

  return routes.map(({ method, path, access, handle }) => ({
    method,
    path,
    handle: (request: RouteRequest) => healthchecksErrors(request, access, handle),
  }));
}

/**
 * Healthchecks' error answers: `{"error": "..."}`. A read-only key on a write route is 403, as on
 * every CronSentry route (Healthchecks says 401 `wrong api key`); a check of another project is
 * the same 404 as an unknown one (Healthchecks says 403, which tells that the check exists).
 */
async function healthchecksErrors(
  request: RouteRequest,
  access: 'read' | 'write',
  handle: (request: RouteRequest) => Promise<HttpResult>,
): Promise<HttpResult> {
  if (access === 'write' && request.principal.role !== 'read-write') {
    return json(403, { error: 'this API key is read-only' });
  }
  try {
    return await handle(request);
  } catch (error) {
    if (error instanceof NotFoundError) return json(404, { error: 'not found' });
    if (error instanceof SpecError || error instanceof ChannelReferenceError) {
      return json(400, { error: error.details[0]?.message ?? error.message });
    }
    if (error instanceof CronSentryError) return json(httpStatusOf(error), { error: error.message });
    throw error;
  }
}
