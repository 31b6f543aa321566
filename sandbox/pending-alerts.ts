import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertMessage } from '../shared/app/alert-bus';
import { queryPartition } from '../shared/storage/bulk-reads';

/** A message the sandbox's alert bus has taken and not yet finished delivering. */
export interface PendingAlert {
  readonly message: AlertMessage;
  /** Deliveries tried so far that failed in a way that may pass later. */
  readonly attempts: number;
  /** When it may be tried (again). */
  readonly visibleAt: number;
}

/** Where the sandbox keeps the messages of its alert "topic" until they are delivered. */
export interface PendingAlerts {
  put(message: AlertMessage, visibleAt: number): Promise<void>;
  /** Those whose time has come, oldest first. */
  due(now: number): Promise<PendingAlert[]>;
  reschedule(noticeId: string, attempts: number, visibleAt: number): Promise<void>;
  remove(noticeId: string): Promise<void>;
}

/** One partition of the sandbox's own table: a few items at most, so a Query reads them all. */
const PARTITION = 'SANDBOX#PENDING-ALERTS';

/**
 * The sandbox's pending alerts in its store (dynalite on disk), so that a killed process loses
 * none: what SNS, Lambda's retries and the failure queue keep for the notifier on AWS.
 */
export class StorePendingAlerts implements PendingAlerts {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(message: AlertMessage, visibleAt: number): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: PARTITION, sk: message.notice.id, message: JSON.stringify(message), attempts: 0, visibleAt },
      }),
    );
  }

  async due(now: number): Promise<PendingAlert[]> {
    // A few items at most: read the partition and compare here (`Infinity`, at start-up, takes all).
    const items = await queryPartition(this.documents, this.tableName, PARTITION, '');
    return items
      .map((item) => ({
        message: JSON.parse(String(item.message)) as AlertMessage,
        attempts: Number(item.attempts),
        visibleAt: Number(item.visibleAt),
      }))
      .filter((alert) => alert.visibleAt <= now)
      .sort((a, b) => a.message.notice.at - b.message.notice.at);
  }

  async reschedule(noticeId: string, attempts: number, visibleAt: number): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: PARTITION, sk: noticeId },
        UpdateExpression: 'SET attempts = :attempts, visibleAt = :visibleAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':attempts': attempts, ':visibleAt': visibleAt },
      }),
    );
  }

  async remove(noticeId: string): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: PARTITION, sk: noticeId } }));
  }
}
