import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AwsSourceClaim, AwsSourceStore, ClaimReadCost } from '../app/ports/aws-source-store';
import { isConditionFailure, sendConditional } from './document-client';
import { keys } from './keys';

/**
 * Claims of AWS resources by jobs: one small item per match key, `AWSSOURCE#<key>`. A claim is a
 * conditional put, so one resource is watched by one job of one project; an event reads the claims
 * of its few candidate keys by primary key (no index, no scan) with eventually consistent reads,
 * half a read unit per key. A job created a moment ago may miss one event; the next one finds it.
 */
export class AwsSourceRepository implements AwsSourceStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Takes the key for the job (again, if it holds it already); false when another job holds it. */
  async claim(claim: AwsSourceClaim): Promise<boolean> {
    return sendConditional(
      this.documents,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.awsSource(claim.matchKey), ...claim },
        ConditionExpression: 'attribute_not_exists(pk) OR jobId = :jobId',
        ExpressionAttributeValues: { ':jobId': claim.jobId },
      }),
    );
  }

  /** Lets go of the key if this job still holds it. */
  async release(matchKey: string, jobId: string): Promise<void> {
    await this.documents
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.awsSource(matchKey),
          ConditionExpression: 'jobId = :jobId',
          ExpressionAttributeValues: { ':jobId': jobId },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  /** The first of `matchKeys` (most specific first) that a job claims, with what the read cost. */
  async find(matchKeys: readonly string[]): Promise<{ claim?: AwsSourceClaim } & ClaimReadCost> {
    const wanted = [...new Set(matchKeys)].slice(0, 100);
    if (wanted.length === 0) return {};
    if (wanted.length === 1) {
      const result = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: keys.awsSource(wanted[0]!), ReturnConsumedCapacity: 'TOTAL' }),
      );
      return { claim: result.Item as AwsSourceClaim | undefined, readUnits: result.ConsumedCapacity?.CapacityUnits };
    }
    // One call for up to 100 keys; whatever the store leaves unprocessed is read once more.
    const found = new Map<string, AwsSourceClaim>();
    let readUnits = 0;
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [this.tableName]: { Keys: wanted.map((key) => keys.awsSource(key)) },
    };
    for (let attempt = 0; attempt < 3 && request && Object.keys(request).length > 0; attempt += 1) {
      const result = await this.documents.send(
        new BatchGetCommand({ RequestItems: request, ReturnConsumedCapacity: 'TOTAL' }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const claim = item as AwsSourceClaim;
        found.set(claim.matchKey, claim);
      }
      readUnits += (result.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      request = result.UnprocessedKeys as typeof request;
    }
    const first = wanted.find((key) => found.has(key));
    return { claim: first ? found.get(first) : undefined, readUnits };
  }
}
