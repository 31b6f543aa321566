// zod's mini API, cheap to load at cold start (shared/config.ts says why); a bad cursor's message is ours.
import * as z from 'zod/mini';
import { INDEX_SHARDS } from './table-definition';

/**
 * Item keys of the single table. A job's hot state lives in its own partition so a ping never
 * needs the project; descriptive data lives under the project so listing is one Query and a key
 * of another project cannot even address it.
 */
export const keys = {
  jobState: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'STATE' }),
  jobProfile: (projectId: string, jobId: string) => ({ pk: `PROJECT#${projectId}`, sk: `JOB#${jobId}` }),
  jobProfilePrefix: 'JOB#',
  /**
   * A job's read-only name (`uniqueKeyOf(id)`) → its id. Under the project, so only the project's
   * own keys can resolve it; written with the job, deleted with it.
   */
  jobByUniqueKey: (projectId: string, uniqueKey: string) => ({ pk: `PROJECT#${projectId}`, sk: `UKEY#${uniqueKey}` }),
  /** Present once every job of the project has its unique-key item (jobs made before the items get them once). */
  uniqueKeysIndexed: (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'UKEY-INDEXED' }),
  /**
   * One of a project's job counters (per stored status, per tag). Sharded like the indexes, each
   * shard in its own partition, so a mass outage's flips spread their counter writes over several.
   */
  jobCounts: (projectId: string, shard: string) => ({ pk: `COUNTS#${projectId}#${shard}`, sk: 'COUNTS' }),
  /** A project's tag counts: one item, as tags change only with a create, an update or a delete. */
  jobTagCounts: (projectId: string) => ({ pk: `COUNTS#${projectId}#TAGS`, sk: 'COUNTS' }),
  /** The status index's partition of a project's jobs in one stored status, for one shard. */
  jobStatusKey: (projectId: string, status: string, shard: string) => `${projectId}#${status}#${shard}`,
  project: (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'PROJECT' }),
  projectPartition: (projectId: string) => `PROJECT#${projectId}`,
  jobPartition: (jobId: string) => `JOB#${jobId}`,
  /** Ping log entries sort by time; the suffix keeps two pings in one millisecond apart. */
  ping: (jobId: string, at: number, suffix: string) => ({ pk: `JOB#${jobId}`, sk: `PING#${pad(at)}#${suffix}` }),
  pingPrefix: 'PING#',
  /** Flips in one millisecond still sort in the order they were written: by the version in the notice id. */
  flip: (jobId: string, at: number, noticeId: string) => ({
    pk: `JOB#${jobId}`,
    sk: `FLIP#${pad(at)}#${(noticeId.split(':').pop() ?? '').padStart(12, '0')}`,
  }),
  flipPrefix: 'FLIP#',
  apiKey: (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' }),
  apiKeyListing: (projectId: string, keyId: string) => ({ pk: `PROJECT#${projectId}`, sk: `KEY#${keyId}` }),
  apiKeyListingPrefix: 'KEY#',
  /** Alert channels live under their project: listing them is one Query, other projects cannot reach them. */
  channel: (projectId: string, channelId: string) => ({ pk: `PROJECT#${projectId}`, sk: `CHANNEL#${channelId}` }),
  channelPrefix: 'CHANNEL#',
  /**
   * Maintenance windows live under their project too: the few of a project are one Query. Not
   * `WINDOW#`: the project's rate-limit counters (window-counter-repository.ts) use that prefix, and
   * a listing of windows that met a counter crashed every ping that would alert.
   */
  maintenanceWindow: (projectId: string, windowId: string) => ({
    pk: `PROJECT#${projectId}`,
    sk: `MAINTENANCE#${windowId}`,
  }),
  maintenanceWindowPrefix: 'MAINTENANCE#',
  /** Pings received in one minute (the outage guard's volume), one small counter item per minute. */
  ingestMinute: (minuteStart: number) => ({ pk: 'INGEST', sk: `MINUTE#${pad(minuteStart)}` }),
  ingestPartition: 'INGEST',
  /** How far the checker has visited the due index's phase keys (shared/storage/due-index.ts). */
  phaseVisit: { pk: 'CHECKER', sk: 'PHASE-VISIT' },
  /** The outage guard's own item: its canary job and the outage it has alerted on, if any. */
  intakeGuard: { pk: 'GUARD', sk: 'INTAKE' },
  /**
   * One (notice, channel) delivery: its claim and its record in one item, so they cannot disagree.
   * The key follows from the notice and the channel alone, which is what makes the claim a guard
   * against a second send; it sorts by the notice's time so the project's log reads newest first.
   */
  delivery: (projectId: string, noticeAt: number, noticeId: string, channelId: string) => ({
    pk: `PROJECT#${projectId}`,
    sk: `DELIVERY#${pad(noticeAt)}#${noticeId}#${channelId}`,
  }),
  deliveryPrefix: 'DELIVERY#',
  /**
   * The claim of one AWS resource (its match key) by the one job that watches it: an event finds
   * its job with one read by key, and a second job, of any project, cannot claim the same resource.
   */
  awsSource: (matchKey: string) => ({ pk: `AWSSOURCE#${matchKey}`, sk: 'AWSSOURCE' }),
} as const;

function pad(ms: number): string {
  return String(ms).padStart(15, '0');
}

/** A stable shard for a job id, so its index entries always land in the same index partition. */
export function shardOf(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i += 1) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return String(Math.abs(hash) % INDEX_SHARDS);
}

export function allShards(): string[] {
  return Array.from({ length: INDEX_SHARDS }, (_, shard) => String(shard));
}

/** Opaque pagination cursors: the store's LastEvaluatedKey, base64url-encoded JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/**
 * Every cursor this API hands out is a base-table LastEvaluatedKey: exactly `pk` and `sk`. Anything
 * else (an extra attribute, an index key, a number) would reach DynamoDB as ExclusiveStartKey and
 * come back as its ValidationException, so it is refused here, as the caller's mistake.
 */
const cursorShape = z.strictObject({
  pk: z.string().check(z.minLength(1), z.maxLength(256)),
  sk: z.string().check(z.minLength(1), z.maxLength(512)),
});

export function decodeCursor(cursor: string | undefined): { pk: string; sk: string } | undefined {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError();
  }
  const shape = cursorShape.safeParse(parsed);
  if (!shape.success) throw new CursorError();
  return shape.data;
}

export class CursorError extends Error {
  constructor() {
    super('cursor is not one this API returned');
    this.name = 'CursorError';
  }
}
