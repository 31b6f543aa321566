import * as z from 'zod';
import {
  createSchema as channelCreateSchema,
  patchSchema as channelPatchSchema,
} from '../shared/alerts/channel-service';
import { batchSchema, envelopeSchema, putEventsSchema } from '../shared/app/aws-event-input';
import { specSchema } from '../shared/app/healthchecks-spec';
import {
  createSchema as jobCreateSchema,
  previewSchema,
  updateSchema as jobUpdateSchema,
} from '../shared/app/job-input';
import { maintenanceCreateSchema, maintenancePatchSchema } from '../shared/app/maintenance-input';
import { createKeySchema, updateProjectSchema } from '../functions/api/access-routes';
import { deliveryQuery } from '../functions/api/channel-routes';
import { historyQuery, jobListQuery } from '../functions/api/job-routes';
import { checkListQuery, flipQuery } from '../functions/api/v3-routes';
import * as responses from './responses';

/**
 * Every management route's contract, keyed `METHOD path` exactly as functions/api/routes.ts
 * serves it (test/contract/routes.test.ts holds the two lists equal). Bodies and query strings are
 * the zod schemas the routes parse with; answers are contract/responses.ts.
 */
export interface ApiOperation {
  readonly summary: string;
  readonly tag: string;
  /** `read`: any key; `write`: read-write keys only (a read-only key gets 403). */
  readonly access: 'read' | 'write';
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Success answers: a schema (JSON) or null (no content). */
  readonly success: Readonly<Record<number, z.ZodType | null>>;
  /** Healthchecks' `{"error": "…"}` errors instead of CronSentry's (the /api/v3 routes). */
  readonly healthchecks?: boolean;
}

const uuid = z.uuid().meta({ example: '0b7c3a52-3f0e-4d8a-9d61-2a3c4b5d6e7f' });
const jobRef = z.object({
  id: z.string().meta({
    description: "The job's id (read-write keys) or its `unique_key` (every key).",
    example: '0b7c3a52-3f0e-4d8a-9d61-2a3c4b5d6e7f',
  }),
});
const byId = z.object({ id: uuid });
const checkCode = z.object({
  code: z.string().meta({
    description: "The check's UUID, or on read routes its `unique_key`.",
    example: '0b7c3a52-3f0e-4d8a-9d61-2a3c4b5d6e7f',
  }),
});
const checks = (access: 'read' | 'write', summary: string) =>
  ({ tag: 'Healthchecks Management API v3', access, summary, healthchecks: true }) as const;
const listChecks: ApiOperation = {
  ...checks('read', 'List checks'),
  query: checkListQuery,
  success: { 200: responses.checkListSchema },
};
const createCheck: ApiOperation = {
  ...checks('write', 'Create a check (or update the one `unique` names)'),
  body: specSchema.partial(),
  success: { 200: responses.checkSchema, 201: responses.checkSchema },
};

export const API_OPERATIONS: Readonly<Record<string, ApiOperation>> = {
  'GET /api/jobs': {
    tag: 'Jobs',
    access: 'read',
    summary: 'List jobs',
    query: jobListQuery,
    success: { 200: responses.jobPageSchema },
  },
  'GET /api/jobs/summary': {
    tag: 'Jobs',
    access: 'read',
    summary: 'Count jobs per status',
    success: { 200: responses.jobSummarySchema },
  },
  'POST /api/jobs': {
    tag: 'Jobs',
    access: 'write',
    summary: 'Create a job',
    body: jobCreateSchema,
    success: { 201: responses.jobSchema },
  },
  'GET /api/jobs/{id}': {
    tag: 'Jobs',
    access: 'read',
    summary: 'Read a job',
    params: jobRef,
    success: { 200: responses.jobSchema },
  },
  'PATCH /api/jobs/{id}': {
    tag: 'Jobs',
    access: 'write',
    summary: 'Change a job',
    params: jobRef,
    body: jobUpdateSchema,
    success: { 200: responses.jobSchema },
  },
  'DELETE /api/jobs/{id}': {
    tag: 'Jobs',
    access: 'write',
    summary: 'Delete a job',
    params: jobRef,
    success: { 204: null },
  },
  'POST /api/jobs/{id}/pause': {
    tag: 'Jobs',
    access: 'write',
    summary: 'Pause a job',
    params: jobRef,
    success: { 200: responses.jobSchema },
  },
  'POST /api/jobs/{id}/resume': {
    tag: 'Jobs',
    access: 'write',
    summary: 'Resume a paused job',
    params: jobRef,
    success: { 200: responses.jobSchema },
  },
  'GET /api/jobs/{id}/pings': {
    tag: 'Jobs',
    access: 'read',
    summary: "A job's pings, newest first",
    params: jobRef,
    query: historyQuery,
    success: { 200: responses.pingPageSchema },
  },
  'GET /api/jobs/{id}/flips': {
    tag: 'Jobs',
    access: 'read',
    summary: "A job's status changes, newest first",
    params: jobRef,
    query: historyQuery,
    success: { 200: responses.flipPageSchema },
  },
  'POST /api/schedule/preview': {
    tag: 'Jobs',
    access: 'read',
    summary: 'Describe a schedule and its next runs (changes nothing)',
    body: previewSchema,
    success: { 200: responses.schedulePreviewSchema },
  },
  'GET /api/me': {
    tag: 'Access',
    access: 'read',
    summary: 'The calling key and its project',
    success: { 200: responses.meSchema },
  },
  'GET /api/project': {
    tag: 'Access',
    access: 'read',
    summary: 'The project',
    success: { 200: responses.projectSchema },
  },
  'PATCH /api/project': {
    tag: 'Access',
    access: 'write',
    summary: 'Rename the project, or let pings create jobs',
    body: updateProjectSchema,
    success: { 200: responses.projectSchema },
  },
  'POST /api/project/ping-key': {
    tag: 'Access',
    access: 'write',
    summary: 'Rotate the ping key (old slug URLs and badge URLs stop working)',
    success: { 200: responses.projectSchema },
  },
  'GET /api/keys': {
    tag: 'Access',
    access: 'write',
    summary: 'List API keys',
    success: { 200: responses.apiKeyListSchema },
  },
  'POST /api/keys': {
    tag: 'Access',
    access: 'write',
    summary: 'Create an API key (its secret is shown once)',
    body: createKeySchema,
    success: { 201: responses.createdApiKeySchema },
  },
  'DELETE /api/keys/{id}': {
    tag: 'Access',
    access: 'write',
    summary: 'Revoke an API key',
    params: byId,
    success: { 204: null },
  },
  'GET /api/channels': {
    tag: 'Alerts',
    access: 'read',
    summary: 'List alert channels',
    success: { 200: responses.channelListSchema },
  },
  'GET /api/channel-kinds': {
    tag: 'Alerts',
    access: 'read',
    summary: 'The kinds of channel this deployment can deliver to, with their settings',
    success: { 200: responses.channelKindListSchema },
  },
  'POST /api/channels': {
    tag: 'Alerts',
    access: 'write',
    summary: 'Create an alert channel',
    body: channelCreateSchema,
    success: { 201: responses.channelSchema },
  },
  'GET /api/channels/{id}': {
    tag: 'Alerts',
    access: 'read',
    summary: 'Read an alert channel',
    params: byId,
    success: { 200: responses.channelSchema },
  },
  'PATCH /api/channels/{id}': {
    tag: 'Alerts',
    access: 'write',
    summary: 'Change an alert channel',
    params: byId,
    body: channelPatchSchema,
    success: { 200: responses.channelSchema },
  },
  'DELETE /api/channels/{id}': {
    tag: 'Alerts',
    access: 'write',
    summary: 'Delete an alert channel',
    params: byId,
    success: { 204: null },
  },
  'GET /api/maintenance': {
    tag: 'Maintenance',
    access: 'read',
    summary: 'List maintenance windows',
    success: { 200: responses.maintenanceWindowListSchema },
  },
  'POST /api/maintenance': {
    tag: 'Maintenance',
    access: 'write',
    summary: 'Create a maintenance window',
    body: maintenanceCreateSchema,
    success: { 201: responses.maintenanceWindowSchema },
  },
  'GET /api/maintenance/{id}': {
    tag: 'Maintenance',
    access: 'read',
    summary: 'Read a maintenance window',
    params: byId,
    success: { 200: responses.maintenanceWindowSchema },
  },
  'PATCH /api/maintenance/{id}': {
    tag: 'Maintenance',
    access: 'write',
    summary: 'Change a maintenance window',
    params: byId,
    body: maintenancePatchSchema,
    success: { 200: responses.maintenanceWindowSchema },
  },
  'DELETE /api/maintenance/{id}': {
    tag: 'Maintenance',
    access: 'write',
    summary: 'Delete a maintenance window',
    params: byId,
    success: { 204: null },
  },
  'POST /api/channels/{id}/test': {
    tag: 'Alerts',
    access: 'write',
    summary: 'Send a test message',
    params: byId,
    success: { 200: responses.channelTestSchema },
  },
  'GET /api/deliveries': {
    tag: 'Alerts',
    access: 'read',
    summary: 'What was delivered where, newest first',
    query: deliveryQuery,
    success: { 200: responses.deliveryPageSchema },
  },
  'POST /api/aws-events': {
    tag: 'AWS events',
    access: 'write',
    summary: 'Hand in EventBridge events (one envelope, an array, or put-events entries)',
    body: z.union([envelopeSchema, batchSchema, putEventsSchema]),
    success: { 200: responses.awsEventResultsSchema },
  },
  'GET /api/v3/checks/': listChecks,
  'GET /api/v3/checks': listChecks,
  'POST /api/v3/checks/': createCheck,
  'POST /api/v3/checks': createCheck,
  'GET /api/v3/checks/{code}': {
    ...checks('read', 'Read a check'),
    params: checkCode,
    success: { 200: responses.checkSchema },
  },
  'POST /api/v3/checks/{code}': {
    ...checks('write', 'Change a check'),
    params: checkCode,
    body: specSchema.partial(),
    success: { 200: responses.checkSchema },
  },
  'DELETE /api/v3/checks/{code}': {
    ...checks('write', 'Delete a check'),
    params: checkCode,
    success: { 200: responses.checkSchema },
  },
  'POST /api/v3/checks/{code}/pause': {
    ...checks('write', 'Pause a check'),
    params: checkCode,
    success: { 200: responses.checkSchema },
  },
  'POST /api/v3/checks/{code}/resume': {
    ...checks('write', 'Resume a paused check'),
    params: checkCode,
    success: { 200: responses.checkSchema },
  },
  'GET /api/v3/checks/{code}/pings/': {
    ...checks('write', "A check's pings"),
    params: checkCode,
    success: { 200: responses.checkPingListSchema },
  },
  'GET /api/v3/checks/{code}/flips/': {
    ...checks('read', "A check's flips"),
    params: checkCode,
    query: flipQuery,
    success: { 200: responses.checkFlipListSchema },
  },
  'GET /api/v3/channels/': {
    ...checks('write', 'List integrations'),
    success: { 200: responses.checkChannelListSchema },
  },
  'GET /api/v3/badges/': {
    ...checks('read', "The project's badge URLs"),
    success: { 200: responses.badgeListSchema },
  },
};
