import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WindowCounter, WindowOwner } from '../app/ports/window-counter';
import { sendConditional } from './document-client';
import { keys } from './keys';

/** Fixed-window counters (rate limits), each an item in the partition of what it limits. */
export class WindowCounterRepository implements WindowCounter {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Counts one event in a fixed window (`window` names it, e.g. a minute or a day) and says whether
   * it was within `limit`: one conditional write, an item that expires with the window.
   */
  async countInWindow(owner: WindowOwner, window: string, limit: number, expiresAtMs: number): Promise<boolean> {
    return sendConditional(
      this.documents,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: partitionOf(owner), sk: `WINDOW#${window}` },
        UpdateExpression: 'ADD used :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': Math.ceil(expiresAtMs / 1000) },
      }),
    );
  }
}

function partitionOf(owner: WindowOwner): string {
  return 'pingKey' in owner ? `PINGKEY#${owner.pingKey}` : keys.project(owner.projectId).pk;
}
