import {
  GetCommand,
  paginateScan,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ProjectStore } from '../app/ports/project-store';
import type { Project } from '../domain/project';
import { isConditionFailure } from './document-client';
import { keys } from './keys';
import type { PingKeyRepository } from './ping-key-repository';

/** Projects: one item each, holding its name, settings, ping key and job count. */
export class ProjectRepository implements ProjectStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** A project's ping key item is written before the project, so a key that is shown always works. */
    private readonly pingKeys: PingKeyRepository,
  ) {}

  /** Creates the project (with a job count of 0) unless it exists; its ping key item comes first. */
  async putProject(project: Project): Promise<boolean> {
    if (project.pingKey) await this.pingKeys.putPingKeyItem(project.pingKey, project.id);
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
      if (project.pingKey) await this.pingKeys.deletePingKeyItem(project.pingKey);
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
    const pages = paginateScan(
      { client: this.documents },
      {
        TableName: this.tableName,
        FilterExpression: 'sk = :sk AND begins_with(pk, :pk)',
        ExpressionAttributeValues: { ':sk': 'PROJECT', ':pk': 'PROJECT#' },
      },
    );
    for await (const page of pages) projects.push(...(page.Items ?? []).map(toProject));
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
