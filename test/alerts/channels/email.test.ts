import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SESClient, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../../shared/adapters/ses-mailer';
import { TransportError } from '../../../shared/app/alert-ports';
import { emailChannel } from '../../../shared/alerts/channels/email';
import { renderAlert } from '../../../shared/alerts/render';
import { sendWithRetries } from '../../../shared/alerts/send';
import { OutboxMailer } from '../../../sandbox/local-alerts';
import { checkSesSendEmail } from '../../support/aws-strict';
import { FAST_POLICY, alertMessage, channel, recordingSleep, transports } from '../support/fixtures';

const ses = mockClient(SESClient);

function awsError(name: string, fault: 'client' | 'server', status: number) {
  return Object.assign(new Error(`${name} happened`), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

describe('email channel through SES', () => {
  beforeEach(() => ses.reset());

  const mailer = () => new SesMailer(new SESClient({ region: 'eu-west-1' }), 'alerts@example.com');
  const settings = emailChannel.settingsSchema.parse({
    addresses: ['Ops@Example.com', 'dev@example.com', 'ops@example.com'],
  });

  it('sends one message with a text and an HTML part from the verified sender', async () => {
    ses.on(SendEmailCommand).callsFake((input: SendEmailCommandInput) => {
      checkSesSendEmail(input); // refuses what SES refuses
      return { MessageId: 'm-1' };
    });
    const alert = renderAlert(alertMessage(), { lastOutput: 'pg_dump: error: <connection refused>' });
    const detail = await emailChannel.send(alert, settings, transports({ mailer: mailer() }));

    expect(detail).toBe('sent to 2 addresses (m-1)');
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      Source: 'alerts@example.com',
      Destination: { ToAddresses: ['ops@example.com', 'dev@example.com'] },
    });
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Message?.Subject?.Data).toBe('MISSING | Database Backup');
    const text = input.Message?.Body?.Text?.Data ?? '';
    const html = input.Message?.Body?.Html?.Data ?? '';
    expect(text).toContain('Database Backup is missing.');
    expect(text).toContain('Schedule:');
    expect(text).toContain('At 03:00 (Europe/Berlin)');
    expect(text).toContain('pg_dump: error: <connection refused>');
    expect(text).toContain('https://cronsentry.example.com/#/jobs/job-1');
    expect(html).toContain('&lt;connection refused&gt;');
    expect(html).not.toContain('<connection refused>');
    expect(html).toContain('href="https://cronsentry.example.com/#/jobs/job-1"');
  });

  it('makes a rejected message permanent and throttling transient', async () => {
    ses.on(SendEmailCommand).rejects(awsError('MessageRejected', 'client', 400));
    const rejected = await emailChannel
      .send(renderAlert(alertMessage()), settings, transports({ mailer: mailer() }))
      .catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(TransportError);
    expect((rejected as TransportError).permanent).toBe(true);

    ses.reset();
    ses
      .on(SendEmailCommand)
      .rejectsOnce(awsError('Throttling', 'client', 400))
      .resolves({ MessageId: 'm-2' });
    const { waits, sleep } = recordingSleep();
    const outcome = await sendWithRetries(
      renderAlert(alertMessage()),
      channel('email', { addresses: ['ops@example.com'] }),
      { transports: transports({ mailer: mailer() }), sleep, policy: FAST_POLICY },
    );
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toHaveLength(1);
  });

  it('fails for good, without sending, where no sender is configured', async () => {
    const error = await emailChannel.send(renderAlert(alertMessage()), settings, transports()).catch((e: unknown) => e);
    expect((error as TransportError).permanent).toBe(true);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 0);
  });

  it('validates addresses', () => {
    const parse = (value: unknown) => emailChannel.settingsSchema.safeParse(value);
    expect(parse({ addresses: [] }).success).toBe(false);
    expect(parse({ addresses: ['not-an-address'] }).success).toBe(false);
    expect(parse({ addresses: Array.from({ length: 11 }, (_, i) => `u${i}@example.com`) }).success).toBe(false);
    expect(parse({ addresses: 'ops@example.com' }).success).toBe(false);
  });
});

describe('email in the sandbox outbox', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'cronsentry-outbox-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes a complete .eml with both parts and prints one line', async () => {
    const lines: string[] = [];
    const outbox = new OutboxMailer(path.join(folder, 'outbox'), (line) => lines.push(line));
    const alert = renderAlert(alertMessage());
    await emailChannel.send(alert, { addresses: ['ops@example.com'] }, transports({ mailer: outbox }));
    const files = await readdir(path.join(folder, 'outbox'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/missing-database-backup\.eml$/);
    const eml = await readFile(path.join(folder, 'outbox', files[0]!), 'utf8');
    expect(eml).toContain('Subject: MISSING | Database Backup');
    expect(eml).toContain('To: ops@example.com');
    expect(eml).toContain('Content-Type: text/plain');
    expect(eml).toContain('Content-Type: text/html');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('ops@example.com');
  });
});
