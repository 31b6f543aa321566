import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mattermostChannel } from '../../../shared/alerts/channels/mattermost';
import { rocketChatChannel } from '../../../shared/alerts/channels/rocketchat';
import { slackChannel } from '../../../shared/alerts/channels/slack';
import { renderAlert } from '../../../shared/alerts/render';
import { alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { startReceiver, type Receiver } from '../support/receiver';
import { slackCompatibleApi } from '../support/vendors/slack-compatible';

httpKindContract('mattermost', (url) => ({ url }), { vendor: slackCompatibleApi('mattermost').api });
httpKindContract('rocketchat', (url) => ({ url }), { vendor: slackCompatibleApi('rocketchat').api });

interface Attachment {
  fallback: string;
  color: string;
  title: string;
  title_link?: string;
  fields: { title: string; value: string; short: boolean }[];
}

describe.each([
  ['mattermost', mattermostChannel, '/hooks/xyz'],
  ['rocketchat', rocketChatChannel, '/hooks/abc/token'],
] as const)('%s channel (Slack-compatible incoming webhook)', (server, kind, path) => {
  let receiver: Receiver;
  let fake: ReturnType<typeof slackCompatibleApi>;
  beforeEach(async () => {
    fake = slackCompatibleApi(server);
    receiver = await startReceiver(undefined, fake.api);
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('is the slack kind’s settings and secrets, with the attachments these servers render', async () => {
    expect(kind.settingsSchema).toBe(slackChannel.settingsSchema);
    expect(kind.secretSettings).toEqual(slackChannel.secretSettings);
    const alert = renderAlert(alertMessage({}, { name: 'Backup <!channel>' }), { lastOutput: 'ERROR <x>' });
    expect(await kind.send(alert, { url: `${receiver.url}${path}` }, transports())).toBe('HTTP 200');
    expect(receiver.requests[0]!.path).toBe(path);
    const payload = fake.posts[0] as { text: string; attachments: Attachment[] };
    expect(payload.text).toBe('MISSING | Backup &lt;!channel&gt;');
    const [attachment] = payload.attachments;
    expect(attachment).toMatchObject({
      fallback: 'MISSING | Backup <!channel>',
      color: '#d93f3f',
      title: 'Backup <!channel> is missing.',
      title_link: 'https://cronsentry.example.com/#/jobs/job-1',
    });
    expect(attachment!.fields).toContainEqual({ title: 'Schedule', value: 'At 03:00 (Europe/Berlin)', short: false });
    expect(attachment!.fields.at(-1)!.value).toBe('```\nERROR &lt;x&gt;\n```');
  });
});
