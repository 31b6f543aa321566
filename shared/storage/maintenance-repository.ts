import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MaintenanceWindow, WindowScope, WindowTiming } from '../domain/maintenance';
import type { MaintenanceStore } from '../app/ports/maintenance-store';
import { sendConditional } from './document-client';
import { queryPartition } from './bulk-reads';
import { keys } from './keys';

interface WindowItem {
  pk: string;
  sk: string;
  windowId: string;
  projectId: string;
  name: string;
  scope: WindowScope;
  timing: WindowTiming;
  createdAt: number;
  updatedAt: number;
}

/** Maintenance windows, one small item each under their project. */
export class MaintenanceRepository implements MaintenanceStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(window: MaintenanceWindow): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(window),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(projectId: string, windowId: string): Promise<MaintenanceWindow | undefined> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.maintenanceWindow(projectId, windowId),
        ConsistentRead: true,
      }),
    );
    return result.Item ? fromItem(result.Item as WindowItem) : undefined;
  }

  /** Every window of a project (the service caps how many a project has). */
  async list(projectId: string): Promise<MaintenanceWindow[]> {
    const items = await queryPartition(
      this.documents,
      this.tableName,
      keys.projectPartition(projectId),
      keys.maintenanceWindowPrefix,
    );
    return items.map((item) => fromItem(item as unknown as WindowItem));
  }

  /** Replaces a window that still exists; false when it was deleted meanwhile. */
  async replace(window: MaintenanceWindow): Promise<boolean> {
    return sendConditional(
      this.documents,
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(window),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async delete(projectId: string, windowId: string): Promise<void> {
    await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.maintenanceWindow(projectId, windowId) }),
    );
  }
}

function toItem(window: MaintenanceWindow): WindowItem {
  return {
    ...keys.maintenanceWindow(window.projectId, window.id),
    windowId: window.id,
    projectId: window.projectId,
    name: window.name,
    scope: { ...window.scope },
    timing:
      window.timing.kind === 'once'
        ? { ...window.timing }
        : { ...window.timing, schedule: { ...window.timing.schedule } },
    createdAt: window.createdAt,
    updatedAt: window.updatedAt,
  };
}

function fromItem(item: WindowItem): MaintenanceWindow {
  return {
    id: item.windowId,
    projectId: item.projectId,
    name: item.name,
    scope: item.scope,
    timing: item.timing,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}
