import { paginateQuery, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredStatus } from '../domain/job';
import { StatusIndexMissingError } from '../app/ports/job-store';
import { allShards, keys } from './keys';
import { STATUS_INDEX } from './table-definition';
import { mergeAscending } from '../app/sorted-merge';

/** Index entries read per Query page: a page of 50 jobs of one status rarely needs a second call. */
const PAGE_SIZE = 100;

/**
 * Ids of a project's jobs in the given stored statuses, ascending, after `afterId`: one Query per
 * (status, shard) partition of the KEYS_ONLY status index, merged in job-id order. Reads only the
 * entries it yields (and one page ahead per partition), never the rest of the project.
 */
export async function* jobIdsInStatuses(
  documents: DynamoDBDocumentClient,
  tableName: string,
  projectId: string,
  statuses: readonly StoredStatus[],
  afterId?: string,
): AsyncGenerator<string> {
  const partitions = statuses.flatMap((status) =>
    allShards().map((shard) => idsOf(documents, tableName, keys.jobStatusKey(projectId, status, shard), afterId)),
  );
  yield* mergeAscending(partitions);
}

async function* idsOf(
  documents: DynamoDBDocumentClient,
  tableName: string,
  statusKey: string,
  afterId: string | undefined,
): AsyncGenerator<string> {
  const after = afterId === undefined ? undefined : keys.jobPartition(afterId);
  const pages = paginateQuery(
    { client: documents, pageSize: PAGE_SIZE },
    {
      TableName: tableName,
      IndexName: STATUS_INDEX,
      KeyConditionExpression: after === undefined ? 'statusKey = :key' : 'statusKey = :key AND pk > :after',
      ExpressionAttributeValues: { ':key': statusKey, ...(after === undefined ? {} : { ':after': after }) },
    },
  );
  try {
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield String(item.pk).slice(keys.jobPartition('').length);
    }
  } catch (error) {
    if (isMissingIndex(error)) throw new StatusIndexMissingError({ cause: error });
    throw error;
  }
}

/** DynamoDB's (and dynalite's) answer to a Query of an index the table does not have. */
function isMissingIndex(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return name === 'ValidationException' && /specified index/i.test(message ?? '');
}

/** Where a count of a status index partition stopped: its last entry's key, for the next call. */
export type CountCursor = Record<string, unknown>;

/**
 * Counts up to `limit` entries of one (project, status, shard) partition of the status index,
 * from `from`: a Query that counts (Select COUNT), paying for the entries it reads (about 110 bytes
 * each, eventually consistent: some 37 entries per read unit) but returning none of them. `next`
 * is where to go on, undefined once the partition is done.
 */
export async function countInStatus(
  documents: DynamoDBDocumentClient,
  tableName: string,
  statusKey: string,
  limit: number,
  from?: CountCursor,
): Promise<{ count: number; next?: CountCursor }> {
  try {
    const page = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: 'statusKey = :key',
        ExpressionAttributeValues: { ':key': statusKey },
        Select: 'COUNT',
        Limit: limit,
        ExclusiveStartKey: from,
      }),
    );
    return { count: page.Count ?? 0, next: page.LastEvaluatedKey };
  } catch (error) {
    if (isMissingIndex(error)) throw new StatusIndexMissingError({ cause: error });
    throw error;
  }
}
