import type { ChannelForm, ChannelKind } from '../../channel';
import { post } from '../../http';
import type { RenderedAlert } from '../../render';
import { clip } from '../clip';
import { escapeMrkdwn, slackChannel, type SlackSettings } from './index';

/**
 * Slack's message attachments, the part of Slack's incoming-webhook format that Mattermost and
 * Rocket.Chat render (neither reads Block Kit): a coloured bar, the headline linked to the job,
 * the facts as fields and the last output. `text` is the notification line.
 */
export function slackAttachmentsMessage(alert: RenderedAlert) {
  const fields = alert.facts.map((fact) => ({
    title: fact.label,
    value: escapeMrkdwn(clip(fact.value, 1000)),
    short: false,
  }));
  if (alert.output) {
    fields.push({ title: alert.outputLabel, value: `\`\`\`\n${escapeMrkdwn(alert.output)}\n\`\`\``, short: false });
  }
  return {
    username: 'CronSentry',
    text: escapeMrkdwn(alert.subject),
    attachments: [
      {
        fallback: alert.subject,
        color: `#${alert.color.toString(16).padStart(6, '0')}`,
        title: alert.headline,
        ...(alert.dashboardUrl ? { title_link: alert.dashboardUrl } : {}),
        ...(alert.test ? { text: 'This is a test message: nothing is wrong.' } : {}),
        fields,
      },
    ],
  };
}

/**
 * A chat server with a Slack-compatible incoming webhook: the slack kind's settings and secrets
 * (one webhook URL, on the user's own server), with the attachments those servers display.
 */
export function slackCompatibleChannel(kind: string, form: ChannelForm): ChannelKind<SlackSettings> {
  return {
    kind,
    form,
    settingsSchema: slackChannel.settingsSchema,
    secretSettings: slackChannel.secretSettings,
    send: (alert, settings, transports) =>
      post(transports, settings.url, JSON.stringify(slackAttachmentsMessage(alert)), {
        'content-type': 'application/json',
      }),
  };
}
