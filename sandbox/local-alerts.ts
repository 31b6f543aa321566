import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { AlertTransports } from '../shared/alerts/channel';
import { TransportError, type Mailer, type TopicPublisher } from '../shared/app/alert-ports';

/** The sender of sandbox e-mail (SES needs a verified one on AWS; SMTP servers take what they are given). */
export const LOCAL_SENDER = 'CronSentry <cronsentry@localhost>';

/**
 * How alerts leave the sandbox: Slack, Discord and webhooks over real HTTP (the default transports);
 * e-mail through SMTP when `CRONSENTRY_SMTP_URL` is set, otherwise as .eml files in
 * `<data>/outbox/` (open them with any mail program); users' SNS topics as JSON files there too.
 * Each local send prints one line.
 */
export function localAlertTransports(options: {
  readonly dataDir: string;
  readonly smtpUrl?: string;
  readonly print: (line: string) => void;
}): Partial<AlertTransports> {
  const outbox = path.join(options.dataDir, 'outbox');
  return {
    mailer: options.smtpUrl ? new SmtpMailer(options.smtpUrl) : new OutboxMailer(outbox, options.print),
    topics: new OutboxTopics(outbox, options.print),
  };
}

/** E-mail through an SMTP server (MailHog, Mailpit, a relay). */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(url: string, from = LOCAL_SENDER) {
    this.transport = nodemailer.createTransport(url, { from });
  }

  async send(mail: Parameters<Mailer['send']>[0]): Promise<string> {
    try {
      const info = await this.transport.sendMail({
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      return info.messageId;
    } catch (error) {
      // SMTP 5xx is the server refusing (bad address, relay denied); anything else may pass later.
      const code = (error as { responseCode?: number }).responseCode;
      throw new TransportError(`SMTP: ${(error as Error).message}`, code !== undefined && code >= 500, {
        cause: error,
      });
    }
  }
}

/** E-mail as .eml files in a folder: the whole message, headers and both parts, as SMTP would carry it. */
export class OutboxMailer implements Mailer {
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    private readonly folder: string,
    private readonly print: (line: string) => void,
    private readonly from = LOCAL_SENDER,
  ) {}

  async send(mail: Parameters<Mailer['send']>[0]): Promise<string> {
    const info = await this.transport.sendMail({
      from: this.from,
      to: [...mail.to],
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
    const file = path.join(this.folder, `${fileStamp()}-${slug(mail.subject)}.eml`);
    await mkdir(this.folder, { recursive: true });
    await writeFile(file, info.message as Buffer);
    this.print(`e-mail to ${mail.to.join(', ')}: "${mail.subject}" → ${file}`);
    return path.basename(file);
  }
}

/** Users' SNS topics, locally: each publish becomes a JSON file with the subject, message and attributes. */
export class OutboxTopics implements TopicPublisher {
  constructor(
    private readonly folder: string,
    private readonly print: (line: string) => void,
  ) {}

  async publish(input: Parameters<TopicPublisher['publish']>[0]): Promise<string> {
    const file = path.join(this.folder, `${fileStamp()}-sns-${slug(input.subject)}.json`);
    await mkdir(this.folder, { recursive: true });
    await writeFile(
      file,
      `${JSON.stringify({ TopicArn: input.topicArn, Subject: input.subject, Message: input.message, MessageAttributes: input.attributes }, null, 2)}\n`,
    );
    this.print(`SNS publish to ${input.topicArn}: "${input.subject}" → ${file}`);
    return path.basename(file);
  }
}

function fileStamp(): string {
  return `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 6)}`;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'alert'
  );
}
