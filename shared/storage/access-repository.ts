import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { queryPartition } from './bulk-reads';
import { isConditionFailure } from './document-client';
import { keys } from './keys';
import type { ApiKeyRecord, Role } from '../domain/api-key';
import type { Project } from '../domain/project';

/** Where a slug ping goes: one item per (ping key, slug), so resolving a slug is one GetItem. */
export interface SlugTarget {
  readonly projectId: string;
  readonly jobId: string;
}

/** The project's job count could not grow: it holds `limit` jobs already. */
export class ProjectFullError extends Error {
  constructor(readonly limit: number) {
    super(`the project already has ${limit} jobs`);
    this.name = 'ProjectFullError';
  }
}

/**
 * Items of this repository that `keys.ts` does not define. Slug items sit in the partition of their
 * ping key, so rotating the key is one Query; the ping key item there names the project.
 */
export const accessKeys = {
  pingKeyPartition: (pingKey: string) => `PINGKEY#${pingKey}`,
  pingKey: (pingKey: string) => ({ pk: `PINGKEY#${pingKey}`, sk: 'PINGKEY' }),
  slug: (pingKey: string, slug: string) => ({ pk: `PINGKEY#${pingKey}`, sk: `SLUG#${slug}` }),
  slugPrefix: 'SLUG#',
} as const;

/** Projects and the API keys that open them. */
export class AccessRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the project (with a job count of 0) unless it exists; its ping key item comes first. */
  async putProject(project: Project): Promise<boolean> {
    if (project.pingKey) await this.putPingKeyItem(project.pingKey, project.id);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.project(project.id), ...project, jobCount: 0 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (project.pingKey) await this.deletePingKeyItem(project.pingKey);
      return false;
    }
  }

  async getProject(projectId: string): Promise<Project | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.project(projectId), ConsistentRead: true }),
    );
    return result.Item ? toProject(result.Item) : undefined;
  }

  /** Every project (a Scan: for the operator's command-line tool, never for a request). */
  async listProjects(): Promise<Project[]> {
    const projects: Project[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :sk AND begins_with(pk, :pk)',
          ExpressionAttributeValues: { ':sk': 'PROJECT', ':pk': 'PROJECT#' },
          ExclusiveStartKey: start,
        }),
      );
      projects.push(...(page.Items ?? []).map(toProject));
      start = page.LastEvaluatedKey;
    } while (start);
    return projects.sort((a, b) => a.createdAt - b.createdAt);
  }

  async updateProject(projectId: string, change: { name?: string; createOnPing?: boolean }): Promise<void> {
    const sets: string[] = [];
    const values: Record<string, unknown> = {};
    if (change.name !== undefined) {
      sets.push('#name = :name');
      values[':name'] = change.name;
    }
    if (change.createOnPing !== undefined) {
      sets.push('createOnPing = :createOnPing');
      values[':createOnPing'] = change.createOnPing;
    }
    if (sets.length === 0) return;
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.project(projectId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ...(change.name !== undefined ? { ExpressionAttributeNames: { '#name': 'name' } } : {}),
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Gives the project a new ping key (or its first). The new key works before the old one stops:
   * the slug items are copied under the new key, the project switches (only if nobody else switched
   * it meanwhile), then the old key's items go. Returns false when another rotation won the race.
   */
  async replacePingKey(projectId: string, previous: string | undefined, next: string): Promise<boolean> {
    await this.putPingKeyItem(next, projectId);
    const slugs = previous ? await this.slugItems(previous) : [];
    for (const item of slugs) {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...item, ...accessKeys.slug(next, String(item.slug)) },
        }),
      );
    }
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.project(projectId),
          UpdateExpression: 'SET pingKey = :next',
          ConditionExpression: previous
            ? 'pingKey = :previous'
            : 'attribute_exists(pk) AND attribute_not_exists(pingKey)',
          ExpressionAttributeValues: { ':next': next, ...(previous ? { ':previous': previous } : {}) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.deletePingKeyPartition(next);
      return false;
    }
    if (previous) await this.deletePingKeyPartition(previous);
    return true;
  }

  /** The project a ping key opens, if any. */
  async findPingKey(pingKey: string): Promise<string | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: accessKeys.pingKey(pingKey) }),
    );
    return result.Item ? String(result.Item.projectId) : undefined;
  }

  /** The job a slug ping means: one GetItem on the hot path of a slug ping. */
  async findSlug(pingKey: string, slug: string): Promise<SlugTarget | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: accessKeys.slug(pingKey, slug) }),
    );
    if (!result.Item) return undefined;
    return { projectId: String(result.Item.projectId), jobId: String(result.Item.jobId) };
  }

  /** Gives `slug` to the job unless another job of the project holds it; true when the job has it. */
  async claimSlug(pingKey: string, slug: string, target: SlugTarget): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...accessKeys.slug(pingKey, slug), slug, ...target },
          ConditionExpression: 'attribute_not_exists(pk) OR jobId = :jobId',
          ExpressionAttributeValues: { ':jobId': target.jobId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Frees `slug` if (and only if) this job holds it. */
  async releaseSlug(pingKey: string, slug: string, jobId: string): Promise<void> {
    await this.documents
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: accessKeys.slug(pingKey, slug),
          ConditionExpression: 'jobId = :jobId',
          ExpressionAttributeValues: { ':jobId': jobId },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  /**
   * Counts one more job against the project's limit, in one conditional write on the project item
   * (no transactions: the caller gives the slot back if creating the job then fails). Projects
   * stored before the count existed are counted once, here.
   */
  async reserveJobSlot(projectId: string, limit: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.project(projectId),
            UpdateExpression: 'SET jobCount = jobCount + :one',
            ConditionExpression: 'attribute_exists(pk) AND jobCount < :limit',
            ExpressionAttributeValues: { ':one': 1, ':limit': limit },
          }),
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const current = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: keys.project(projectId), ConsistentRead: true }),
      );
      if (!current.Item) throw new Error(`project ${projectId} does not exist`);
      if (typeof current.Item.jobCount === 'number') throw new ProjectFullError(limit);
      await this.documents
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.project(projectId),
            UpdateExpression: 'SET jobCount = :count',
            ConditionExpression: 'attribute_not_exists(jobCount)',
            ExpressionAttributeValues: { ':count': await this.countJobs(projectId) },
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        });
    }
    throw new ProjectFullError(limit);
  }

  /**
   * Counts one event in a fixed window (`window` names it, e.g. a minute or a day) and says whether
   * it was within `limit`: one conditional write, an item that expires with the window.
   */
  async countInWindow(partition: string, window: string, limit: number, expiresAtMs: number): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: partition, sk: `WINDOW#${window}` },
          UpdateExpression: 'ADD used :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': Math.ceil(expiresAtMs / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Gives a job slot back (a job was deleted, or its creation failed). Never below zero. */
  async releaseJobSlot(projectId: string): Promise<void> {
    await this.documents
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.project(projectId),
          UpdateExpression: 'SET jobCount = jobCount - :one',
          ConditionExpression: 'jobCount > :zero',
          ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  private async countJobs(projectId: string): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.projectPartition(projectId), ':prefix': keys.jobProfilePrefix },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  private async putPingKeyItem(pingKey: string, projectId: string): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...accessKeys.pingKey(pingKey), projectId },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  private async deletePingKeyItem(pingKey: string): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: accessKeys.pingKey(pingKey) }));
  }

  private async slugItems(pingKey: string): Promise<Record<string, unknown>[]> {
    return queryPartition(this.documents, this.tableName, accessKeys.pingKeyPartition(pingKey), accessKeys.slugPrefix);
  }

  private async deletePingKeyPartition(pingKey: string): Promise<void> {
    for (const item of await this.slugItems(pingKey)) {
      await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } }));
    }
    await this.deletePingKeyItem(pingKey);
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

function toProject(item: Record<string, unknown>): Project {
  return {
    id: String(item.id),
    name: String(item.name),
    createdAt: Number(item.createdAt),
    ...(typeof item.pingKey === 'string' ? { pingKey: item.pingKey } : {}),
    createOnPing: item.createOnPing === true,
  };
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
