import pMap from 'p-map';
import { backoffDelay } from '../../shared/app/backoff';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { JobProfile, JobState } from '../../shared/domain/job';
import type { Schedule } from '../../shared/domain/schedule';
import { applySignal, createState } from '../../shared/domain/transitions';
import { JobRepository } from '../../shared/storage/job-repository';

/**
 * The items the product's own JobRepository would write for a job, captured from a repository
 * over a fake client, so seeding can batch-write them without re-implementing the item format.
 */
export async function itemsOf(state: JobState, withProfile: boolean): Promise<Record<string, unknown>[]> {
  const captured: Record<string, unknown>[] = [];
  const fake = {
    send: async (command: { input: { Item?: Record<string, unknown> } }) => {
      if (command.input.Item) captured.push(command.input.Item);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  await new JobRepository(fake, 'capture').create(state, profileOf(state));
  // create() writes the profile first, then the state.
  return withProfile ? captured : captured.slice(1);
}

export function profileOf(state: JobState): JobProfile {
  return {
    id: state.id,
    projectId: state.projectId,
    name: `bench job ${state.id.slice(0, 8)}`,
    description: 'seeded by npm run bench',
    tags: ['bench'],
    channelIds: [],
    createdAt: state.statusSince,
    updatedAt: state.statusSince,
  };
}

/**
 * A healthy job whose last success was at `lastPingAt`, built with the domain's own transitions
 * (created, then one success ping), its first-ping notice taken as already delivered. The index
 * wake-up time is then the real deadline.
 */
export function healthyJob(input: {
  projectId: string;
  schedule: Schedule;
  graceMs: number;
  lastPingAt: number;
  id?: string;
}): JobState {
  const created = createState({
    id: input.id ?? randomUUID(),
    projectId: input.projectId,
    schedule: input.schedule,
    graceMs: input.graceMs,
    now: input.lastPingAt - 1000,
  });
  const { state } = applySignal(created, { kind: 'success', at: input.lastPingAt });
  return { ...state, pending: [] };
}

/** Batch-writes items (25 per request, `concurrency` requests at once), retrying unprocessed ones. */
export async function batchWrite(
  documents: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  concurrency = 8,
): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await pMap(
    chunks,
    async (chunk) => {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [tableName]: chunk.map((Item) => ({ PutRequest: { Item } })),
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt += 1) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, backoffDelay(UNPROCESSED_BACKOFF, attempt)));
        const result = await documents.send(new BatchWriteCommand({ RequestItems: request }));
        request = result.UnprocessedItems as typeof request;
      }
    },
    { concurrency },
  );
}

const UNPROCESSED_BACKOFF = { baseMs: 40, maxMs: 1000 };
