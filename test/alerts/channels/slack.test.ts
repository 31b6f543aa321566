import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slackChannel } from '../../../shared/alerts/channels/slack';
import { renderAlert } from '../../../shared/alerts/render';
import { alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { startReceiver, type Receiver } from '../support/receiver';

httpKindContract('slack', (url) => ({ url }));

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; url: string }[];
}

describe('slack channel', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('posts a Block Kit message: header, facts, last output and a button to the job', async () => {
    const alert = renderAlert(alertMessage({}, { name: 'Backup <prod> & co' }), { lastOutput: 'x <y>' });
    await slackChannel.send(alert, { url: `${receiver.url}/services/T/B/X` }, transports());
    const message = receiver.json<{ text: string; blocks: Block[] }>(0);
    // `text` is mrkdwn as well (the notification): escaped like the blocks.
    expect(message.text).toBe('MISSING | Backup &lt;prod&gt; &amp; co');
    expect(message.blocks[0]).toMatchObject({
      type: 'header',
      text: { type: 'plain_text', text: 'MISSING | Backup <prod> & co' },
    });
    // mrkdwn text is escaped: a job name cannot inject links or mentions.
    expect(message.blocks[1]!.text!.text).toBe('Backup &lt;prod&gt; &amp; co is missing.');
    const fields = message.blocks.flatMap((block) => block.fields ?? []).map((field) => field.text);
    expect(fields.some((text) => text.startsWith('*Schedule*\nAt 03:00 (Europe/Berlin)'))).toBe(true);
    expect(fields.some((text) => text.startsWith('*Expected*\na ping at 2024-03-31 03:00:00 CEST'))).toBe(true);
    expect(message.blocks.some((block) => block.text?.text.includes('```x &lt;y&gt;```'))).toBe(true);
    const actions = message.blocks.find((block) => block.type === 'actions');
    expect(actions?.elements?.[0]?.url).toBe('https://cronsentry.example.com/#/jobs/job-1');
    for (const block of message.blocks) expect((block.fields ?? []).length).toBeLessThanOrEqual(10);
  });

  it('keeps output that holds ``` inside its code block', async () => {
    const alert = renderAlert(alertMessage(), { lastOutput: 'ok\n```\n<https://evil.example|click> *bold*' });
    await slackChannel.send(alert, { url: `${receiver.url}/hook` }, transports());
    const text = receiver.json<{ blocks: Block[] }>(0).blocks.find((block) => block.text?.text.includes('ok'))!.text!
      .text;
    expect(text.match(/```/g)).toHaveLength(2);
    expect(text.endsWith('```')).toBe(true);
    expect(text).not.toContain('<https://');
  });

  it('accepts only http(s) webhook URLs', () => {
    expect(slackChannel.settingsSchema.safeParse({ url: 'https://hooks.slack.com/services/T/B/X' }).success).toBe(true);
    expect(slackChannel.settingsSchema.safeParse({ url: 'hooks.slack.com/services' }).success).toBe(false);
    expect(slackChannel.settingsSchema.safeParse({}).success).toBe(false);
  });
});
