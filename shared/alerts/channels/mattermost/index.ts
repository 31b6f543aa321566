import { slackCompatibleChannel } from '../slack/compatible';

/** Mattermost through its Slack-compatible incoming webhook (`https://<server>/hooks/<id>`; the URL is the secret). */
export const mattermostChannel = slackCompatibleChannel('mattermost');
