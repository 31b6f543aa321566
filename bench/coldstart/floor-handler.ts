/**
 * The physical floor of a DynamoDB-backed Lambda's cold start, for `npm run bench -- coldstart`:
 * the same document client CronSentry builds, and one GetItem and one PutItem per invocation.
 * Bundled with the same esbuild options as the real handlers, it is what "loads in 1.1× the floor"
 * is measured against. Not deployed anywhere.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/storage/document-client';

const documents = createDocumentClient(new DynamoDBClient({}));
const tableName = process.env.TABLE_NAME!;

export async function handler(): Promise<{ statusCode: number }> {
  const key = { pk: 'FLOOR', sk: 'FLOOR' };
  await documents.send(new GetCommand({ TableName: tableName, Key: key }));
  await documents.send(new PutCommand({ TableName: tableName, Item: { ...key, at: Date.now() } }));
  return { statusCode: 200 };
}
