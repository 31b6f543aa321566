import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { SnsAlertBus } from '../../shared/adapters/sns-alert-bus';
import { SnsTopicPublisher } from '../../shared/adapters/sns-topic-publisher';
import type { ChannelKind } from '../../shared/alerts/channel';
import { channelKindOf } from '../../shared/alerts/registry';
import { renderAlert } from '../../shared/alerts/render';
import { ALERT_EVENTS, type AlertEvent, type AlertMessage } from '../../shared/app/alert-bus';
import { toJobDraft } from '../../shared/app/job-draft';
import { parseJobCreate } from '../../shared/app/job-input';
import { MAX_PING_BODY_BYTES, truncateUtf8 } from '../../shared/app/ping-service';
import { lineTextProblem } from '../../shared/domain/plain-text';
import { ValidationError } from '../../shared/errors';
import { OutboxMailer } from '../../sandbox/local-alerts';
import { strictAwsFakes } from '../support/aws-strict';
import { T0, alertMessage, transports } from './support/fixtures';
import { startReceiver, type Receiver } from './support/receiver';
import {
  checkDiscordPayload,
  checkMailMessage,
  checkSlackPayload,
  checkWebhookPayload,
  strictVendor,
} from './support/strict-receivers';

/**
 * Issue 15 §5: whatever the API accepts as a job's name, description and tags, and whatever a ping
 * sends as output, every channel kind and the alerts topic deliver it through fakes that refuse
 * what AWS, Slack, Discord and SMTP refuse. Text no channel could carry is refused when the job is
 * saved (a 400), never when the alert is sent.
 */
const aws = strictAwsFakes();

/** The characters that broke something once, or could: controls, breaks, bidi, surrogates, markup. */
const AWKWARD = [
  '\r',
  '\n',
  '\r\n',
  '\0',
  '\t',
  '\x1b[31m',
  '\x7f',
  '\u0085',
  '\u2028',
  '\u200e',
  '\u200f',
  '\u061c',
  '\u202e',
  '\u2066',
  '\ud800',
  '\udfff',
  '\ufeff',
  '😀',
  '👨‍👩‍👧',
  'é',
  'ß',
  'עברית',
  '`',
  '```',
  '<',
  '>',
  '&',
  '*',
  '_',
  '|',
  '@everyone',
  '[x](https://evil.example)',
  '<!channel>',
  ' ',
];
const awkward = fc.constantFrom(...AWKWARD);
const text = (maxParts: number) =>
  fc
    .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), awkward, fc.string({ maxLength: 200 })), {
      maxLength: maxParts,
    })
    .map((parts) => parts.join(''));
/** The awkward characters a job's name may carry (markup, emoji, scripts, marks): those the API takes. */
const carriable = fc.constantFrom(...AWKWARD.filter((part) => lineTextProblem(part) === undefined));
const carriableText = (maxParts: number, maxLength: number) =>
  fc.array(fc.oneof(carriable, fc.string({ maxLength: 20 })), { maxLength: maxParts }).map((parts) =>
    parts
      .join('')
      .slice(0, maxLength)
      .replace(/[\ud800-\udbff]$/, ''),
  );
/**
 * Half the runs draw a job the API must accept (the other half, mostly refused ones), so both sides
 * of the property are exercised whatever the seed.
 */
const carriableJob = fc.tuple(
  carriableText(4, 90).map((name) => `${name.trim()}job`),
  carriableText(20, 2_000),
  fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9_.:/-]{0,12}$/), { maxLength: 20 }),
);
const tag = fc.oneof(
  text(3),
  fc.stringMatching(/^[a-zß0-9][a-z0-9_.:/-]{0,12}$/),
  fc.constantFrom('prod', 'äöü', '数据'),
);

const SETTINGS: Record<string, Record<string, unknown>> = {
  email: { addresses: ['ops@example.com', 'dev@example.org'] },
  // The HTTP kinds' urls point at local receivers as strict as the services (set in beforeAll).
  webhook: { secret: 'a-signing-secret-of-32-characters' },
  sns: { topic_arn: 'arn:aws:sns:eu-central-1:123456789012:cronsentry-ops' },
};

function messageFor(event: AlertEvent, job: { name: string; description: string; tags: readonly string[] }) {
  const base = alertMessage({}, { name: job.name, description: job.description, tags: [...job.tags] });
  const [from, to] =
    event === 'up' || event === 'settled' ? (['failed', 'healthy'] as const) : (['healthy', 'failed'] as const);
  return {
    ...base,
    event,
    notice: { ...base.notice, from, to, kind: 'flip', changes: 7, suppressed: 3 },
  } as AlertMessage;
}

describe('every alert the API accepts is deliverable everywhere (strict AWS, Slack, Discord, SMTP fakes)', () => {
  let folder: string;
  let receivers: Receiver[] = [];
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'cronsentry-deliverable-'));
    const checks = { slack: checkSlackPayload, discord: checkDiscordPayload, webhook: checkWebhookPayload };
    for (const [kind, check] of Object.entries(checks)) {
      const receiver = await startReceiver(undefined, strictVendor(check));
      receivers.push(receiver);
      SETTINGS[kind] = { ...SETTINGS[kind], url: `${receiver.url}/${kind}` };
    }
  });
  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
    receivers = [];
    await rm(folder, { recursive: true, force: true });
  });

  it('is refused when the job is saved, or delivered by every channel kind and the alerts topic', async () => {
    const mailer = new SesMailer(new SESClient({ region: 'eu-west-1' }), 'CronSentry <alerts@example.com>');
    const smtp = new OutboxMailer(folder, () => {});
    const topics = new SnsTopicPublisher((region) => new SNSClient({ region }));
    const bus = new SnsAlertBus(new SNSClient({ region: 'eu-west-1' }), 'arn:aws:sns:eu-west-1:123456789012:alerts');
    let accepted = 0;
    let refused = 0;

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(carriableJob, fc.tuple(text(8), text(20), fc.array(tag, { maxLength: 20 }))),
        text(60),
        async ([name, description, tags], output) => {
          let draft: ReturnType<typeof toJobDraft>;
          try {
            draft = toJobDraft(
              parseJobCreate({ name, description, tags, schedule: '0 3 * * *', grace_time: 15 }),
              60_000,
              T0,
            );
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            refused += 1;
            return;
          }
          accepted += 1;
          // A ping's body arrives as bytes and is kept as UTF-8 text of at most 10 KB.
          const body = truncateUtf8(Buffer.from(output, 'utf8').toString('utf8'), MAX_PING_BODY_BYTES).text;
          for (const event of ALERT_EVENTS) {
            const message = messageFor(event, draft);
            await bus.publish(message);
            const alert = renderAlert(message, { lastOutput: body, lastOutputAt: T0 - 60_000 });
            for (const [kind, settings] of Object.entries(SETTINGS)) {
              const channel = channelKindOf(kind) as ChannelKind;
              await channel.send(alert, settings, transports({ mailer, topics }));
            }
            const file = await emailChannel().send(alert, SETTINGS.email!, transports({ mailer: smtp }));
            const raw = await readFile(path.join(folder, /\((.*)\)$/.exec(file)![1]!), 'utf8');
            expect(checkMailMessage(raw)).toBeUndefined();
          }
        },
      ),
      { numRuns: 60 },
    );
    // Both sides of the property were exercised.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(5);
    expect(aws.published.length).toBe(accepted * ALERT_EVENTS.length * 2);
    expect(aws.mailed.length).toBe(accepted * ALERT_EVENTS.length);
  }, 120_000);
});

function emailChannel(): ChannelKind {
  return channelKindOf('email') as ChannelKind;
}
