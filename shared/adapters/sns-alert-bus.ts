import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertBus, AlertMessage } from '../app/alert-bus';

/**
 * Publishes every notice to the stack's alerts topic, with message attributes people can filter
 * on (`event`, `status`, `project`, `tags`) in their subscription filter policies.
 */
export class SnsAlertBus implements AlertBus {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(message: AlertMessage): Promise<void> {
    const tags = message.job.tags.length ? message.job.tags : ['-'];
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: alertSubject(message).slice(0, 99),
        Message: JSON.stringify(message),
        MessageAttributes: {
          event: { DataType: 'String', StringValue: message.event },
          status: { DataType: 'String', StringValue: message.notice.to },
          project: { DataType: 'String', StringValue: message.job.projectId },
          tags: { DataType: 'String.Array', StringValue: JSON.stringify(tags) },
        },
      }),
    );
  }
}

/** `MISSING | Database Backup`, `RECOVERED | …`, `FAILED | …`, `STILL MISSING | …`. */
export function alertSubject(message: AlertMessage): string {
  const word =
    message.event === 'up'
      ? 'RECOVERED'
      : message.event === 'reminder'
        ? `STILL ${message.notice.to.toUpperCase()}`
        : message.notice.to.toUpperCase();
  return `${word} | ${message.job.name}`;
}
