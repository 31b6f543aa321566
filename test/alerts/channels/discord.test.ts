import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discordChannel } from '../../../shared/alerts/channels/discord';
import { renderAlert } from '../../../shared/alerts/render';
import { T0, alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { startReceiver, type Receiver } from '../support/receiver';

httpKindContract('discord', (url) => ({ url }));

interface Embed {
  title: string;
  description: string;
  color: number;
  url?: string;
  timestamp: string;
  fields: { name: string; value: string }[];
}

describe('discord channel', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver([{ status: 204 }]);
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('posts one embed, red when down and green on recovery, with mentions switched off', async () => {
    const url = `${receiver.url}/api/webhooks/1/abc`;
    await discordChannel.send(renderAlert(alertMessage({}, { name: '@everyone job' })), { url }, transports());
    const up = alertMessage({
      event: 'up',
      notice: { ...alertMessage().notice, id: 'job-1:9', from: 'missing', to: 'healthy', at: T0 + 3_600_000 },
    });
    await discordChannel.send(renderAlert(up, { downSince: T0 }), { url }, transports());

    const down = receiver.json<{ embeds: Embed[]; allowed_mentions: { parse: string[] } }>(0);
    expect(down.allowed_mentions).toEqual({ parse: [] });
    expect(down.embeds).toHaveLength(1);
    expect(down.embeds[0]).toMatchObject({
      title: 'MISSING | @everyone job',
      color: 0xd93f3f,
      url: 'https://cronsentry.example.com/#/jobs/job-1',
      timestamp: new Date(T0).toISOString(),
    });
    const recovered = receiver.json<{ embeds: Embed[] }>(1).embeds[0]!;
    expect(recovered.title).toBe('RECOVERED | Database Backup');
    expect(recovered.color).toBe(0x2e9d5b);
    expect(recovered.fields).toContainEqual({ name: 'Down for', value: '1 h', inline: false });
    for (const field of [...down.embeds[0]!.fields, ...recovered.fields]) {
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
  });

  it('keeps output that holds ``` inside its code block, and escapes markdown in the name', async () => {
    const url = `${receiver.url}/api/webhooks/1/abc`;
    const output = 'done\n```\n[click me](https://evil.example) ``` **x**';
    await discordChannel.send(
      renderAlert(alertMessage({}, { name: '[Backup](https://evil.example) **now**' }), { lastOutput: output }),
      { url },
      transports(),
    );
    const embed = receiver.json<{ embeds: Embed[] }>(0).embeds[0]!;
    const value = embed.fields.find((field) => field.name.startsWith('Last output'))!.value;
    expect(value.match(/```/g)).toHaveLength(2);
    expect(value.startsWith('```\n') && value.endsWith('\n```')).toBe(true);
    expect(embed.description).toBe('\\[Backup\\](https://evil.example) \\*\\*now\\*\\* is missing.');
  });
});
