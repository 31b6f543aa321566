import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './document-client';
import { keys } from './keys';

export const ROLES = ['read-write', 'read-only'] as const;
export type Role = (typeof ROLES)[number];

export interface Project {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

/** What is stored of an API key: never the key itself, only its SHA-256 hash. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly role: Role;
  /** The first characters of the key, so people can tell their keys apart. */
  readonly prefix: string;
  readonly hash: string;
  readonly createdAt: number;
  readonly lastUsedAt?: number;
}

/** Projects and the API keys that open them. */
export class AccessRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putProject(project: Project): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.project(project.id), ...project },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getProject(projectId: string): Promise<Project | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.project(projectId) }),
    );
    if (!result.Item) return undefined;
    return { id: String(result.Item.id), name: String(result.Item.name), createdAt: Number(result.Item.createdAt) };
  }

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
    const records: ApiKeyRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.projectPartition(projectId), ':prefix': keys.apiKeyListingPrefix },
          ExclusiveStartKey: start,
        }),
      );
      records.push(...(page.Items ?? []).map(toRecord));
      start = page.LastEvaluatedKey;
    } while (start);
    return records;
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
