import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { OperatorAlerts } from '../app/intake-guard';

/** The outage guard's alert, to the stack's operator topic (the one its alarms use). */
export class SnsOperatorAlerts implements OperatorAlerts {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notify(subject: string, message: string): Promise<void> {
    // Both texts are CronSentry's own (printable ASCII, under SNS's 100-character subject limit).
    await this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject: subject, Message: message }));
  }
}
