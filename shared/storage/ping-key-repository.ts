import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { PingKeyStore, SlugTarget } from '../app/ports/ping-key-store';
import { queryPartition } from './bulk-reads';
import { isConditionFailure, sendConditional } from './document-client';
import { keys } from './keys';

/**
 * Items of this repository that `keys.ts` does not define. Slug items sit in the partition of their
 * ping key, so rotating the key is one Query; the ping key item there names the project.
 */
export const pingKeyItems = {
  pingKeyPartition: (pingKey: string) => `PINGKEY#${pingKey}`,
  pingKey: (pingKey: string) => ({ pk: `PINGKEY#${pingKey}`, sk: 'PINGKEY' }),
  slug: (pingKey: string, slug: string) => ({ pk: `PINGKEY#${pingKey}`, sk: `SLUG#${slug}` }),
  slugPrefix: 'SLUG#',
} as const;

/** Ping keys (which project a key opens) and the slugs under each key (which job a slug names). */
export class PingKeyRepository implements PingKeyStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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
          Item: { ...item, ...pingKeyItems.slug(next, String(item.slug)) },
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
      new GetCommand({ TableName: this.tableName, Key: pingKeyItems.pingKey(pingKey) }),
    );
    return result.Item ? String(result.Item.projectId) : undefined;
  }

  /** The job a slug ping means: one GetItem on the hot path of a slug ping. */
  async findSlug(pingKey: string, slug: string): Promise<SlugTarget | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: pingKeyItems.slug(pingKey, slug) }),
    );
    if (!result.Item) return undefined;
    return { projectId: String(result.Item.projectId), jobId: String(result.Item.jobId) };
  }

  /** Gives `slug` to the job unless another job of the project holds it; true when the job has it. */
  async claimSlug(pingKey: string, slug: string, target: SlugTarget): Promise<boolean> {
    return sendConditional(
      this.documents,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...pingKeyItems.slug(pingKey, slug), slug, ...target },
        ConditionExpression: 'attribute_not_exists(pk) OR jobId = :jobId',
        ExpressionAttributeValues: { ':jobId': target.jobId },
      }),
    );
  }

  /** Frees `slug` if (and only if) this job holds it. */
  async releaseSlug(pingKey: string, slug: string, jobId: string): Promise<void> {
    await this.documents
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: pingKeyItems.slug(pingKey, slug),
          ConditionExpression: 'jobId = :jobId',
          ExpressionAttributeValues: { ':jobId': jobId },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async putPingKeyItem(pingKey: string, projectId: string): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...pingKeyItems.pingKey(pingKey), projectId },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async deletePingKeyItem(pingKey: string): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: pingKeyItems.pingKey(pingKey) }));
  }

  private async slugItems(pingKey: string): Promise<Record<string, unknown>[]> {
    return queryPartition(
      this.documents,
      this.tableName,
      pingKeyItems.pingKeyPartition(pingKey),
      pingKeyItems.slugPrefix,
    );
  }

  private async deletePingKeyPartition(pingKey: string): Promise<void> {
    for (const item of await this.slugItems(pingKey)) {
      await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } }));
    }
    await this.deletePingKeyItem(pingKey);
  }
}
