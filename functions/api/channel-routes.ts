import * as z from 'zod';
import { changedSecrets, channelView, createSchema, patchSchema } from '../../shared/alerts/channel-service';
import type { Alerting } from '../../shared/wiring/alerting';
import type { DeliveryRecord } from '../../shared/app/ports/delivery-store';
import { channelForms } from '../../shared/alerts/registry';
import type { JobsService } from '../../shared/app/jobs-service';
import { readOnlyNoticeId } from '../../shared/app/job-view';
import { parseInput, UUID_PATTERN } from '../../shared/app/validation';
import { isUniqueKey, uniqueKeyOf } from '../../shared/domain/unique-key';
import { ValidationError } from '../../shared/errors';
import { json, jsonBody, noContent } from '../http/responses';
import { blankIsAbsent, idParam, pageQuery, queryOf, type Route, type RouteRequest } from './route';

/** Read-only keys see the job's unique key, never its id (the ping credential), not even inside the notice id. */
function deliveryView(record: DeliveryRecord, readOnly: boolean) {
  return {
    notice_id: readOnly ? readOnlyNoticeId(record.noticeId) : record.noticeId,
    channel_id: record.channelId,
    channel_kind: record.channelKind,
    ...(readOnly ? {} : { job_id: record.jobId }),
    job_unique_key: record.jobId ? uniqueKeyOf(record.jobId) : null,
    event: record.event,
    test: record.test,
    outcome: record.outcome,
    retryable: record.outcome === 'failed' ? record.retryable : false,
    attempts: record.attempts,
    first_at: new Date(record.firstAt).toISOString(),
    at: new Date(record.at).toISOString(),
    ...(record.detail ? { detail: record.detail } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
}

const ID_PROBLEM = 'must be an id this API returned';

/** `GET /api/deliveries`: the filters, then the page. */
export const deliveryQuery = z.object({
  job_id: blankIsAbsent(z.string().toLowerCase()).meta({
    description: "A job's id (read-write keys) or `unique_key`.",
  }),
  // A filter id must be a UUID; anything else is a mistake worth naming (not a silent empty list).
  channel_id: blankIsAbsent(z.string().toLowerCase().regex(UUID_PATTERN, ID_PROBLEM)),
  ...pageQuery,
});

/**
 * `job_id` of the deliveries filter: a job id (read-write keys) or a unique key (every key). A
 * unique key that names no job of the project filters everything out, like an unknown id.
 */
async function jobFilter(
  request: RouteRequest,
  jobs: Pick<JobsService, 'findRef'>,
  value: string | undefined,
): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (isUniqueKey(value)) return (await jobs.findRef(request.principal, value)) ?? value;
  if (request.principal.role !== 'read-write') throw ValidationError.of('job_id', "must be a job's unique_key");
  if (!UUID_PATTERN.test(value)) throw ValidationError.of('job_id', ID_PROBLEM);
  return value;
}

/** Alert channels and the record of what was delivered; every route stays inside the caller's project. */
export function channelRoutes(
  alerts: Alerting,
  publicUrl: string | undefined,
  jobs: Pick<JobsService, 'findRef'>,
): Route[] {
  const { channels, deliveryLog } = alerts;
  const channelId = (request: RouteRequest) => idParam(request.event, 'id', 'channel');
  return [
    {
      method: 'GET',
      path: '/api/channels',
      handle: async ({ principal }) =>
        json(200, {
          channels: (await channels.list(principal)).map((channel) =>
            channelView(channel, { withholdSecrets: principal.role !== 'read-write' }),
          ),
        }),
    },
    {
      method: 'GET',
      path: '/api/channel-kinds',
      // The dashboard builds its channel form from this: the server's registry is the only list.
      handle: async () => json(200, { kinds: channelForms() }),
    },
    {
      method: 'POST',
      path: '/api/channels',
      handle: async ({ principal, event, now }) => {
        const channel = await channels.create(principal, parseInput(createSchema, jsonBody(event)), now);
        // The only response that shows the secrets in full (a generated signing secret included).
        return json(201, channelView(channel, { reveal: Object.keys(channel.settings) }));
      },
    },
    {
      method: 'GET',
      path: '/api/channels/{id}',
      handle: async (request) =>
        json(
          200,
          channelView(await channels.get(request.principal, channelId(request)), {
            withholdSecrets: request.principal.role !== 'read-write',
          }),
        ),
    },
    {
      method: 'PATCH',
      path: '/api/channels/{id}',
      handle: async (request) => {
        const id = channelId(request);
        const before = await channels.get(request.principal, id);
        const after = await channels.update(
          request.principal,
          id,
          parseInput(patchSchema, jsonBody(request.event)),
          request.now,
        );
        return json(200, channelView(after, { reveal: changedSecrets(before, after) }));
      },
    },
    {
      method: 'DELETE',
      path: '/api/channels/{id}',
      handle: async (request) => {
        await channels.remove(request.principal, channelId(request));
        return noContent();
      },
    },
    {
      method: 'POST',
      path: '/api/channels/{id}/test',
      handle: async (request) =>
        json(200, await channels.test(request.principal, channelId(request), publicUrl ?? request.baseUrl)),
    },
    {
      method: 'GET',
      path: '/api/deliveries',
      handle: async (request) => {
        const query = queryOf(request.event, deliveryQuery);
        const jobId = await jobFilter(request, jobs, query.job_id);
        const page = await deliveryLog.list(
          request.principal,
          { jobId, channelId: query.channel_id },
          query.limit,
          query.cursor,
        );
        const readOnly = request.principal.role !== 'read-write';
        return json(200, {
          deliveries: page.items.map((record) => deliveryView(record, readOnly)),
          next_cursor: page.nextCursor,
        });
      },
    },
  ];
}
