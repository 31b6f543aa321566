import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ChannelRecord, LastDelivery } from '../domain/channel';
import type { ChannelStore } from '../app/ports/channel-store';
import { isConditionFailure, sendConditional } from './document-client';
import { batchGetAll, queryPartition } from './bulk-reads';
import { keys } from './keys';

interface ChannelItem {
  pk: string;
  sk: string;
  channelId: string;
  projectId: string;
  kind: string;
  name: string;
  settings: Record<string, unknown>;
  events: string[];
  isDefault: boolean;
  createdAt: number;
  updatedAt: number;
  lastDelivery?: LastDelivery;
}

/** Alert channels, one item each under their project. */
export class ChannelRepository implements ChannelStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(channel: ChannelRecord): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(channel),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(projectId: string, channelId: string): Promise<ChannelRecord | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.channel(projectId, channelId), ConsistentRead: true }),
    );
    return result.Item ? fromItem(result.Item as ChannelItem) : undefined;
  }

  /** The named channels of one project, in the order named; unknown ids are left out. */
  async getMany(projectId: string, channelIds: readonly string[]): Promise<ChannelRecord[]> {
    const unique = [...new Set(channelIds)];
    const items = await batchGetAll(
      this.documents,
      this.tableName,
      unique.map((id) => keys.channel(projectId, id)),
    );
    const found = new Map(items.map((item) => fromItem(item as unknown as ChannelItem)).map((c) => [c.id, c]));
    return unique.flatMap((id) => found.get(id) ?? []);
  }

  /** Every channel of a project (a project has few: the service caps them). */
  async list(projectId: string): Promise<ChannelRecord[]> {
    const items = await queryPartition(
      this.documents,
      this.tableName,
      keys.projectPartition(projectId),
      keys.channelPrefix,
    );
    return items.map((item) => fromItem(item as unknown as ChannelItem));
  }

  /**
   * Writes what people edit (name, settings, events, default) and nothing else, so an edit never
   * overwrites a delivery outcome recorded meanwhile. Returns false when the channel is gone.
   */
  async update(channel: ChannelRecord): Promise<boolean> {
    return sendConditional(
      this.documents,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.channel(channel.projectId, channel.id),
        UpdateExpression:
          'SET #name = :name, settings = :settings, events = :events, isDefault = :isDefault, updatedAt = :updatedAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: {
          ':name': channel.name,
          ':settings': { ...channel.settings },
          ':events': [...channel.events],
          ':isDefault': channel.isDefault,
          ':updatedAt': channel.updatedAt,
        },
      }),
    );
  }

  /** Keeps the newest outcome: an older delivery finishing late does not hide a newer one. */
  async recordDelivery(projectId: string, channelId: string, last: LastDelivery): Promise<void> {
    await this.documents
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.channel(projectId, channelId),
          UpdateExpression: 'SET lastDelivery = :last',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastDelivery) OR lastDelivery.#at <= :at)',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':last': { ...last }, ':at': last.at },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async delete(projectId: string, channelId: string): Promise<void> {
    await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.channel(projectId, channelId) }),
    );
  }
}

function toItem(channel: ChannelRecord): ChannelItem {
  return {
    ...keys.channel(channel.projectId, channel.id),
    channelId: channel.id,
    projectId: channel.projectId,
    kind: channel.kind,
    name: channel.name,
    settings: { ...channel.settings },
    events: [...channel.events],
    isDefault: channel.isDefault,
    createdAt: channel.createdAt,
    updatedAt: channel.updatedAt,
    ...(channel.lastDelivery ? { lastDelivery: { ...channel.lastDelivery } } : {}),
  };
}

function fromItem(item: ChannelItem): ChannelRecord {
  return {
    id: item.channelId,
    projectId: item.projectId,
    kind: item.kind,
    name: item.name,
    settings: item.settings ?? {},
    events: (item.events ?? []) as ChannelRecord['events'],
    isDefault: item.isDefault ?? false,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    ...(item.lastDelivery ? { lastDelivery: item.lastDelivery } : {}),
  };
}
