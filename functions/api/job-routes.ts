import * as z from 'zod';
import { requireWrite } from '../../shared/app/access';
import type { JobsService } from '../../shared/app/jobs-service';
import { flipView, jobView, pingView } from '../../shared/app/job-view';
import { parseJobCreate, parseJobUpdate, previewSchedule, previewSchema } from '../../shared/app/job-input';
import { parseInput } from '../../shared/app/validation';
import { STATUSES, type Job } from '../../shared/domain/job';
import { describeSchedule } from '../../shared/domain/schedule';
import { json, jsonBody, noContent } from '../http/responses';
import { blankIsAbsent, pageQuery, queryOf, type Route, type RouteRequest } from './route';

const PREVIEW_COUNT = 5;

/** `GET /api/jobs`: the filters, then the page. */
export const jobListQuery = z.object({
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` }).optional(),
  tag: blankIsAbsent(z.string().max(40, 'must be at most 40 characters')),
  q: blankIsAbsent(z.string().max(100, 'must be at most 100 characters')).meta({
    description: 'Part of the name (case-insensitive).',
  }),
  ...pageQuery,
});

/** A job's pings and flips: one page. */
export const historyQuery = z.object(pageQuery);

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
        const { status, tag, q, limit, cursor } = queryOf(request.event, jobListQuery);
        const page = await jobs.list(request.principal, { status, tag, query: q }, limit, request.now, cursor);
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
        const id = await jobId(request);
        const { limit, cursor } = queryOf(request.event, historyQuery);
        const page = await jobs.pings(request.principal, id, limit, cursor);
        return json(200, { pings: page.items.map(pingView), next_cursor: page.nextCursor });
      },
    },
    {
      method: 'GET',
      path: '/api/jobs/{id}/flips',
      handle: async (request) => {
        const id = await jobId(request);
        const { limit, cursor } = queryOf(request.event, historyQuery);
        const page = await jobs.flips(request.principal, id, limit, cursor);
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
