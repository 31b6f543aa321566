import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ApiKeyStore } from '../app/ports/api-key-store';
import type { ApiKeyRecord, Role } from '../domain/api-key';
import { queryPartition } from './bulk-reads';
import { isConditionFailure } from './document-client';
import { keys } from './keys';

/** The API keys that open a project: a lookup item by hash and a listing item under the project. */
export class ApiKeyRepository implements ApiKeyStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes the listing first and the lookup item second: a key that can log in is always listed. */
  async putKey(record: ApiKeyRecord): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.apiKeyListing(record.projectId, record.id), ...record },
      }),
    );
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.apiKey(record.hash), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const result = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: keys.apiKey(hash) }));
    return result.Item ? toRecord(result.Item) : undefined;
  }

  async listKeys(projectId: string): Promise<ApiKeyRecord[]> {
    const items = await queryPartition(
      this.documents,
      this.tableName,
      keys.projectPartition(projectId),
      keys.apiKeyListingPrefix,
    );
    return items.map(toRecord);
  }

  /** Removes the lookup item first, so a revoked key stops working even if the second write fails. */
  async deleteKey(record: ApiKeyRecord): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: keys.apiKey(record.hash) }));
    await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.apiKeyListing(record.projectId, record.id) }),
    );
  }

  async touchKey(record: ApiKeyRecord, at: number): Promise<void> {
    for (const key of [keys.apiKey(record.hash), keys.apiKeyListing(record.projectId, record.id)]) {
      await this.documents
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET lastUsedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at },
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        });
    }
  }
}

function toRecord(item: Record<string, unknown>): ApiKeyRecord {
  return {
    id: String(item.id),
    projectId: String(item.projectId),
    name: String(item.name),
    role: item.role as Role,
    prefix: String(item.prefix),
    hash: String(item.hash),
    createdAt: Number(item.createdAt),
    ...(item.lastUsedAt !== undefined ? { lastUsedAt: Number(item.lastUsedAt) } : {}),
  };
}
