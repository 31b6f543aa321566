import pMap from 'p-map';
import { BatchGetCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffDelay, type BackoffPolicy } from '../app/backoff';

/** BatchGetItem takes at most 100 keys a call. */
const BATCH_SIZE = 100;
/** BatchGetItem calls one read makes at once. */
const BATCHES_AT_ONCE = 4;

/**
 * Reads of many items of one table, 100 keys a call, retrying what the store left unprocessed with
 * backoff; strongly consistent unless `consistent: false` (half the read units). Items come back
 * in no particular order; missing ones are left out.
 */
export async function batchGetAll(
  documents: DynamoDBDocumentClient,
  tableName: string,
  itemKeys: readonly Record<string, unknown>[],
  { consistent = true }: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const starts = Array.from({ length: Math.ceil(itemKeys.length / BATCH_SIZE) }, (_, i) => i * BATCH_SIZE);
  // A few calls at once: a mass outage's sweep reads its thousand due states before its first flip.
  await pMap(
    starts,
    async (start) => {
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }> | undefined = {
        [tableName]: { Keys: itemKeys.slice(start, start + BATCH_SIZE), ConsistentRead: consistent },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt += 1) {
        if (attempt > 0) await backoff(attempt);
        const result = await documents.send(new BatchGetCommand({ RequestItems: request }));
        items.push(...(result.Responses?.[tableName] ?? []));
        request = result.UnprocessedKeys as typeof request;
      }
    },
    { concurrency: BATCHES_AT_ONCE },
  );
  return items;
}

/** Every item of one partition whose sort key starts with `prefix`, all pages, strongly consistent. */
export async function queryPartition(
  documents: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  prefix: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: documents },
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

/** What the store left unprocessed is asked for again after a growing pause. */
const UNPROCESSED_BACKOFF: BackoffPolicy = { baseMs: 50, maxMs: 1000 };

function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, backoffDelay(UNPROCESSED_BACKOFF, attempt)));
}
