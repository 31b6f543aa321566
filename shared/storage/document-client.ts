import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type DeleteCommand, type PutCommand, type UpdateCommand } from '@aws-sdk/lib-dynamodb';

/**
 * One document client per process, over the composition root's DynamoDB client (on AWS its
 * endpoint comes from the SDK's own settings, `AWS_ENDPOINT_URL_DYNAMODB`, so the same code talks
 * to AWS, DynamoDB Local or dynalite). The client is passed in, never built here: the repositories
 * import this module, and the ping function loads some of them only on demand, which would make
 * esbuild run the SDK's whole DynamoDB barrel (every command) at cold start (docs/benchmarks.md).
 */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/**
 * Sends a conditional write and says whether it applied: false when its condition failed (another
 * writer got there first, a limit was reached), any other error thrown.
 */
export async function sendConditional(
  documents: DynamoDBDocumentClient,
  command: PutCommand | UpdateCommand | DeleteCommand,
): Promise<boolean> {
  try {
    // send() is overloaded per command type and takes no union; any of the three sends alike.
    await documents.send(command as PutCommand);
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
