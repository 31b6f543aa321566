import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredStatus } from '../../shared/domain/job';
import { keys } from '../../shared/storage/keys';

/**
 * Adds `by` to one stored status's count on a project's first counter shard, as a writer that died
 * between its job write and its counter write leaves the counts: drift for a recount to repair.
 */
export async function driftCount(
  store: { documents: DynamoDBDocumentClient; tableName: string },
  projectId: string,
  status: StoredStatus,
  by: number,
): Promise<void> {
  await store.documents.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: keys.jobCounts(projectId, '0'),
      UpdateExpression: 'ADD #n :by',
      ExpressionAttributeNames: { '#n': `status#${status}` },
      ExpressionAttributeValues: { ':by': by },
    }),
  );
}
