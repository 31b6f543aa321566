import { requireWrite } from '../../shared/app/access';
import type { JobsService } from '../../shared/app/jobs-service';
import { flipView, jobView, pingView } from '../../shared/app/job-view';
import { parseJobCreate, parseJobUpdate, previewSchedule, previewSchema } from '../../shared/app/job-input';
import { parseInput } from '../../shared/app/validation';
import { STATUSES, type Job, type Status } from '../../shared/domain/job';
import { describeSchedule } from '../../shared/domain/schedule';
import { ValidationError } from '../../shared/errors';
import { json, jsonBody, noContent } from '../http/responses';
import { cursorParam, limitParam, type Route, type RouteRequest } from './route';

const PREVIEW_COUNT = 5;

export function jobRoutes(jobs: JobsService, minimumMs: number): Route[] {
  const view = (job: Job, request: RouteRequest) =>
    jobView(job, {
      now: request.now,
      // Read-only keys never see ping URLs or job ids: both are ping credentials.
      ...(request.principal.role === 'read-write' ? { pingBaseUrl: request.baseUrl } : { readOnly: true }),
    });
  /** The job a path names: by id (read-write keys) or by unique key (every key). */
  const jobId = (request: RouteRequest) => jobs.resolveRef(request.principal, request.event.pathParameters?.id ?? '');
  /** Write routes refuse read-only keys first: a 403 whatever the path names. */
  const ownJobId = (request: RouteRequest) => {
    requireWrite(request.principal);
    return jobId(request);
  };
  const readOnly = (request: RouteRequest) => request.principal.role !== 'read-write';

  return [
    {
      method: 'GET',
      path: '/api/jobs',
      handle: async (request) => {
        const query = request.event.queryStringParameters ?? {};
        const status = query.status;
        if (status !== undefined && !STATUSES.includes(status as Status)) {
          throw ValidationError.of('status', `must be one of ${STATUSES.join(', ')}`);
        }
        if ((query.tag?.length ?? 0) > 40) throw ValidationError.of('tag', 'must be at most 40 characters');
        if ((query.q?.length ?? 0) > 100) throw ValidationError.of('q', 'must be at most 100 characters');
        const page = await jobs.list(
          request.principal,
          { status: status as Status | undefined, tag: query.tag || undefined, query: query.q || undefined },
          limitParam(request.event),
          request.now,
          cursorParam(request.event),
        );
        return json(200, { jobs: page.items.map((job) => view(job, request)), next_cursor: page.nextCursor });
      },
    },
    {
      method: 'GET',
      path: '/api/jobs/summary',
      handle: async (request) => json(200, await jobs.summary(request.principal, request.now)),
    },
    {
      method: 'POST',
      path: '/api/jobs',
      handle: async (request) => {
        const body = jsonBody(request.event);
        // A read-only key learns nothing from its body's mistakes: 403 before the schema speaks.
        requireWrite(request.principal);
        return json(201, view(await jobs.create(request.principal, parseJobCreate(body), request.now), request));
      },
    },
    {
      method: 'GET',
      path: '/api/jobs/{id}',
      handle: async (request) => json(200, view(await jobs.get(request.principal, await jobId(request)), request)),
    },
    {
      method: 'PATCH',
      path: '/api/jobs/{id}',
      handle: async (request) => {
        const id = await ownJobId(request);
        const input = parseJobUpdate(jsonBody(request.event));
        return json(200, view(await jobs.update(request.principal, id, input, request.now), request));
      },
    },
    {
      method: 'DELETE',
      path: '/api/jobs/{id}',
      handle: async (request) => {
        await jobs.remove(request.principal, await ownJobId(request));
        return noContent();
      },
    },
    {
      method: 'POST',
      path: '/api/jobs/{id}/pause',
      handle: async (request) =>
        json(200, view(await jobs.pause(request.principal, await ownJobId(request), request.now), request)),
    },
    {
      method: 'POST',
      path: '/api/jobs/{id}/resume',
      handle: async (request) =>
        json(200, view(await jobs.resume(request.principal, await ownJobId(request), request.now), request)),
    },
    {
      method: 'GET',
      path: '/api/jobs/{id}/pings',
      handle: async (request) => {
        const page = await jobs.pings(
          request.principal,
          await jobId(request),
          limitParam(request.event),
          cursorParam(request.event),
        );
        return json(200, { pings: page.items.map(pingView), next_cursor: page.nextCursor });
      },
    },
    {
      method: 'GET',
      path: '/api/jobs/{id}/flips',
      handle: async (request) => {
        const page = await jobs.flips(
          request.principal,
          await jobId(request),
          limitParam(request.event),
          cursorParam(request.event),
        );
        return json(200, {
          flips: page.items.map((flip) => flipView(flip, { readOnly: readOnly(request) })),
          next_cursor: page.nextCursor,
        });
      },
    },
    {
      method: 'POST',
      path: '/api/schedule/preview',
      handle: async (request) => {
        const input = parseInput(previewSchema, jsonBody(request.event));
        const { schedule, next } = previewSchedule(input, minimumMs, request.now, PREVIEW_COUNT);
        return json(200, {
          schedule_description: describeSchedule(schedule),
          next: next.map((ms) => new Date(ms).toISOString()),
        });
      },
    },
  ];
}
