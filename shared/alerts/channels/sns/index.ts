// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { TransportError } from '../../../app/alert-ports';
import type { RenderedAlert } from '../../render';
import { alertPayload } from '../webhook/payload';
import { checkTopicAllowed } from './allowed-topics';

/** Standard topics only: a FIFO topic would need a message group the user has not chosen. */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;

const settingsSchema = z.strictObject({
  topic_arn: z
    .string()
    .check(
      z.trim(),
      z.regex(TOPIC_ARN, 'must be the ARN of a standard SNS topic: arn:aws:sns:<region>:<account>:<name>'),
    ),
});
export type SnsSettings = z.infer<typeof settingsSchema>;

/** SNS subjects: ASCII, no line breaks, under 100 characters. */
export function snsSubject(subject: string): string {
  return subject
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 99)
    .trim();
}

/** The same attributes as the stack's alerts topic, so the same filter policies work on both. */
export function snsAttributes(alert: RenderedAlert): Record<string, string | string[]> {
  const { message } = alert;
  return {
    event: message.event,
    status: message.notice.to,
    project: message.job.projectId,
    tags: message.job.tags.length ? [...message.job.tags] : ['-'],
    ...(alert.test ? { test: 'true' } : {}),
  };
}

/** Publishes the alert's JSON to a topic the user owns (the notifier may not publish to the alerts topic). */
export const snsChannel: ChannelKind<SnsSettings> = {
  kind: 'sns',
  form: {
    label: 'Amazon SNS topic',
    fields: [
      { name: 'topic_arn', label: 'Topic ARN', hint: 'arn:aws:sns:region:account:topic', type: 'text', required: true },
    ],
  },
  settingsSchema,
  secretSettings: [],
  admit: (settings, rules) => checkTopicAllowed(settings.topic_arn, rules.snsTopics),
  async send(alert, settings, transports) {
    if (!transports.topics) throw new TransportError('SNS is not available here', true);
    const id = await transports.topics.publish({
      topicArn: settings.topic_arn,
      subject: snsSubject(alert.subject),
      message: JSON.stringify(alertPayload(alert)),
      attributes: snsAttributes(alert),
    });
    return `published (${id})`;
  },
};
