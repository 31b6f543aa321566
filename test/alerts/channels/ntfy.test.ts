import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ntfyChannel } from '../../../shared/alerts/channels/ntfy';
import { renderAlert } from '../../../shared/alerts/render';
import { alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { recoveryMessage } from '../support/recovery';
import { startReceiver, type Receiver } from '../support/receiver';
import { ntfyApi } from '../support/vendors/ntfy';

// A self-hosted server under a base path: the JSON goes to that base, not to the topic's URL.
httpKindContract('ntfy', (url) => ({ server: url, topic: 'cron-alerts-x7q' }), {
  path: '/hook/',
  vendor: ntfyApi({ root: '/hook/' }).api,
});

describe('ntfy channel', () => {
  let receiver: Receiver;
  let fake: ReturnType<typeof ntfyApi>;
  beforeEach(async () => {
    fake = ntfyApi({ token: 'tk_secret0123' });
    receiver = await startReceiver(undefined, fake.api);
  });
  afterEach(async () => {
    await receiver.close();
  });
  const settings = (extra: object = {}) =>
    ntfyChannel.settingsSchema.parse({ server: `${receiver.url}/`, topic: 'cron', token: 'tk_secret0123', ...extra });

  it('publishes JSON with priority, tags and a click-through, authenticated by the access token', async () => {
    expect(await ntfyChannel.send(renderAlert(alertMessage()), settings({ priority: 5 }), transports())).toBe(
      'HTTP 200',
    );
    const up = recoveryMessage();
    await ntfyChannel.send(renderAlert(up), settings({ priority: 5 }), transports());
    expect(receiver.requests[0]!.path).toBe('/');
    expect(receiver.requests[0]!.headers.authorization).toBe('Bearer tk_secret0123');
    expect(fake.published[0]).toMatchObject({
      topic: 'cron',
      title: 'MISSING | Database Backup',
      message: expect.stringContaining('Database Backup is missing.'),
      priority: 5,
      tags: ['rotating_light'],
      click: 'https://cronsentry.example.com/#/jobs/job-1',
      actions: [{ action: 'view', label: 'Open in CronSentry', url: 'https://cronsentry.example.com/#/jobs/job-1' }],
    });
    expect(fake.published[1]).toMatchObject({ priority: 3, tags: ['white_check_mark'] });
  });

  it('keeps the message within 4096 bytes, and is refused for good with a wrong token', async () => {
    const reason = 'é'.repeat(5000);
    const alert = renderAlert(alertMessage({ notice: { ...alertMessage().notice, reason } }));
    expect(await ntfyChannel.send(alert, settings(), transports())).toBe('HTTP 200');
    expect(Buffer.byteLength(String(fake.published[0]!.message))).toBeLessThanOrEqual(4096);
    await expect(
      ntfyChannel.send(renderAlert(alertMessage()), settings({ token: 'tk_wrong' }), transports()),
    ).rejects.toMatchObject({ permanent: true, message: expect.stringContaining('http_401') });
  });

  it('defaults to ntfy.sh and checks the topic and priority', () => {
    expect(ntfyChannel.settingsSchema.parse({ topic: 'cron' })).toEqual({
      server: 'https://ntfy.sh',
      topic: 'cron',
      priority: 4,
    });
    expect(ntfyChannel.settingsSchema.safeParse({ topic: 'has space' }).success).toBe(false);
    expect(ntfyChannel.settingsSchema.safeParse({ topic: 'cron', priority: 6 }).success).toBe(false);
    expect(ntfyChannel.settingsSchema.safeParse({ topic: 'cron', server: 'ntfy.sh' }).success).toBe(false);
  });
});
