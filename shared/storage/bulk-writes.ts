import { BatchWriteCommand, type BatchWriteCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unprocessedBackoff } from './bulk-reads';

/** BatchWriteItem takes at most 25 requests a call. */
const BATCH_SIZE = 25;

/**
 * Puts many items into one table, 25 a call, the calls at once, retrying what the store left
 * unprocessed with backoff. Unconditional: only for items whose rewrite is harmless (idempotent
 * records). The items' keys must be distinct (BatchWriteItem refuses a call that repeats one).
 */
export async function batchPutAll(
  documents: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  const calls: Promise<void>[] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) {
    calls.push(putBatch(documents, tableName, items.slice(i, i + BATCH_SIZE)));
  }
  await Promise.all(calls);
}

async function putBatch(documents: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]) {
  type Requests = BatchWriteCommandInput['RequestItems'];
  let requests: Requests | undefined = { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) };
  for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt += 1) {
    if (attempt > 0) await unprocessedBackoff(attempt);
    const result: { UnprocessedItems?: Requests } = await documents.send(
      new BatchWriteCommand({ RequestItems: requests }),
    );
    requests = result.UnprocessedItems;
  }
}
