/**
 * The JSON shapes of the CronSentry HTTP API, as the dashboard reads them: names for types
 * generated from the OpenAPI document (contract/api-types.ts, `npm run contract`), so they
 * cannot drift from what the API answers. Nothing here is written by hand but the names.
 */
import type { components, operations } from '../../../contract/api-types';

type Schemas = components['schemas'];
type JsonBody<O extends keyof operations> = operations[O] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type Me = Schemas['Me'];
export type Job = Schemas['Job'];
export type JobPage = Schemas['JobPage'];
export type JobSummary = Schemas['JobSummary'];
export type Ping = Schemas['Ping'];
export type Flip = Schemas['Flip'];
export type SchedulePreview = Schemas['SchedulePreview'];
export type Channel = Schemas['Channel'];
export type ChannelKindInfo = Schemas['ChannelKindList']['kinds'][number];
export type SettingField = ChannelKindInfo['fields'][number];
export type ApiKey = Schemas['ApiKey'];
export type CreatedApiKey = Schemas['CreatedApiKey'];
export type Delivery = Schemas['Delivery'];
export type DeliveryPage = Schemas['DeliveryPage'];
export type ApiErrorBody = Schemas['Error'];
export type MaintenanceWindow = Schemas['MaintenanceWindow'];

export type Status = Job['status'];
export type SignalKind = Ping['kind'];
export type Role = ApiKey['role'];
export type ChannelKind = Channel['kind'];
export type ChannelEvent = Channel['events'][number];

export type JobInput = JsonBody<'postApiJobs'>;
export type ChannelInput = JsonBody<'postApiChannels'>;

/** How the dashboard names a job in its links and API calls: the id where the key may see it. */
export function jobRef(job: Pick<Job, 'id' | 'unique_key'>): string {
  return job.id ?? job.unique_key;
}
