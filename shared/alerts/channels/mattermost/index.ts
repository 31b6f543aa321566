import { slackCompatibleChannel } from '../slack/compatible';

/** Mattermost through its Slack-compatible incoming webhook (`https://<server>/hooks/<id>`; the URL is the secret). */
export const mattermostChannel = slackCompatibleChannel('mattermost', {
  label: 'Mattermost',
  fields: [
    {
      name: 'url',
      label: 'Incoming webhook URL',
      hint: 'Integrations → Incoming Webhooks (Slack-compatible): https://your-server/hooks/…',
      type: 'url',
      required: true,
    },
  ],
});
