import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { Mailer } from '../app/alert-ports';
import { awsTransportError } from './aws-transport-error';

/** E-mail through Amazon SES from the stack's verified sender (ALERT_EMAIL_FROM). */
export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESClient,
    private readonly from: string,
  ) {}

  async send(mail: Parameters<Mailer['send']>[0]): Promise<string> {
    try {
      const result = await this.ses.send(
        new SendEmailCommand({
          Source: this.from,
          Destination: { ToAddresses: [...mail.to] },
          Message: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
          },
        }),
      );
      return result.MessageId ?? 'sent';
    } catch (error) {
      throw awsTransportError(error, 'SES');
    }
  }
}
