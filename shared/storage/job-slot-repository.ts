import { GetCommand, paginateQuery, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ProjectFullError, type JobSlotStore } from '../app/ports/job-slot-store';
import { isConditionFailure } from './document-client';
import { keys } from './keys';

/** The job count on a project's item, which holds a project to its job limit without transactions. */
export class JobSlotRepository implements JobSlotStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.projectPartition(projectId), ':prefix': keys.jobProfilePrefix },
        Select: 'COUNT',
      },
    );
    for await (const page of pages) count += page.Count ?? 0;
    return count;
  }
}
