import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiKeyRepository } from '../storage/api-key-repository';
import { PingKeyRepository } from '../storage/ping-key-repository';
import { ProjectRepository } from '../storage/project-repository';

/** The stores AccessService works on: projects, their ping keys and slugs, and their API keys. */
export function accessStores(documents: DynamoDBDocumentClient, tableName: string) {
  const pingKeys = new PingKeyRepository(documents, tableName);
  return {
    projects: new ProjectRepository(documents, tableName, pingKeys),
    pingKeys,
    apiKeys: new ApiKeyRepository(documents, tableName),
  };
}

export type AccessStores = ReturnType<typeof accessStores>;
