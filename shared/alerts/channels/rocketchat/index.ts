import { slackCompatibleChannel } from '../slack/compatible';

/** Rocket.Chat through its Slack-compatible incoming webhook (`https://<server>/hooks/<id>/<token>`; the URL is the secret). */
export const rocketChatChannel = slackCompatibleChannel('rocketchat', {
  label: 'Rocket.Chat',
  fields: [
    {
      name: 'url',
      label: 'Incoming webhook URL',
      hint: 'Administration → Integrations → Incoming: https://your-server/hooks/…',
      type: 'url',
      required: true,
    },
  ],
});
