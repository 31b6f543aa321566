import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PUSHOVER_MESSAGES_URL, pushoverChannel } from '../../../shared/alerts/channels/pushover';
import { renderAlert } from '../../../shared/alerts/render';
import { T0, alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { recoveryMessage } from '../support/recovery';
import { startReceiver, type Receiver } from '../support/receiver';
import { pushoverApi } from '../support/vendors/pushover';
import { uniqueKeyOf } from '../../../shared/domain/unique-key';

const TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
const ORIGIN = new URL(PUSHOVER_MESSAGES_URL).origin;

httpKindContract('pushover', () => ({ token: TOKEN, user: USER }), {
  path: '/1/messages.json',
  contentType: 'application/x-www-form-urlencoded',
  vendor: pushoverApi(TOKEN, USER).api,
  origin: ORIGIN,
});

describe('pushover channel', () => {
  let receiver: Receiver;
  let fake: ReturnType<typeof pushoverApi>;
  beforeEach(async () => {
    fake = pushoverApi(TOKEN, USER);
    receiver = await startReceiver(undefined, fake.api);
  });
  afterEach(async () => {
    await receiver.close();
  });
  const via = () => transports({ vendorOrigins: { [ORIGIN]: receiver.url } });
  const settings = (extra: object = {}) => pushoverChannel.settingsSchema.parse({ token: TOKEN, user: USER, ...extra });

  it('sends the documented form parameters; a recovery never pages louder than normal', async () => {
    const up = recoveryMessage();
    expect(await pushoverChannel.send(renderAlert(alertMessage()), settings({ device: 'phone' }), via())).toBe(
      'HTTP 200',
    );
    await pushoverChannel.send(renderAlert(up), settings(), via());
    expect(Object.fromEntries(fake.messages[0]!)).toMatchObject({
      token: TOKEN,
      user: USER,
      title: 'MISSING | Database Backup',
      message: expect.stringMatching(/^Database Backup is missing\.\nStatus: missing since/),
      priority: '1',
      device: 'phone',
      timestamp: String(T0 / 1000),
      url: 'https://cronsentry.example.com/#/jobs/job-1',
      url_title: 'Open in CronSentry',
    });
    expect(fake.messages[1]!.get('priority')).toBe('0');
  });

  it('adds retry and expire to an emergency alert, as Pushover requires', async () => {
    expect(await pushoverChannel.send(renderAlert(alertMessage()), settings({ priority: 2 }), via())).toBe('HTTP 200');
    expect(fake.messages[0]!.get('retry')).toBe('60');
    expect(fake.messages[0]!.get('expire')).toBe('3600');
  });

  it('cancels the emergency alert still repeating when the job recovers, before sending the recovery', async () => {
    const emergency = settings({ priority: 2 });
    await pushoverChannel.send(renderAlert(alertMessage()), emergency, via());
    await pushoverChannel.send(renderAlert(alertMessage({}, { id: 'job-2' })), emergency, via());
    expect(fake.emergencies.map((e) => e.cancelled)).toEqual([false, false]);
    const tag = uniqueKeyOf('job-1');
    expect(fake.messages[0]!.get('tags')).toBe(tag);

    expect(await pushoverChannel.send(renderAlert(recoveryMessage()), emergency, via())).toBe('HTTP 200');
    // Only job-1's emergency stopped; job-2 is still down and keeps paging.
    expect(fake.emergencies.map((e) => e.cancelled)).toEqual([true, false]);
    expect(fake.calls.slice(2)).toEqual([`/1/receipts/cancel_by_tag/${tag}.json`, '/1/messages.json']);
    expect(fake.messages[2]!.get('priority')).toBe('0');
  });

  it('cancels nothing when the channel does not page at emergency priority, nor for a test', async () => {
    await pushoverChannel.send(renderAlert(recoveryMessage()), settings({ priority: 1 }), via());
    await pushoverChannel.send(renderAlert(recoveryMessage(), { test: true }), settings({ priority: 2 }), via());
    expect(fake.calls).toEqual(['/1/messages.json', '/1/messages.json']);
    expect(fake.messages[1]!.get('tags')).toBeNull();
  });

  it('a failed cancel is a failed delivery, so the retry cancels again', async () => {
    const wrongToken = settings({ priority: 2, token: 'b'.repeat(30) });
    await expect(pushoverChannel.send(renderAlert(recoveryMessage()), wrongToken, via())).rejects.toMatchObject({
      message: 'http_400',
    });
    expect(fake.messages).toEqual([]);
  });

  it('a late notice never pages at emergency priority', async () => {
    const late = alertMessage({ event: 'late', notice: { ...alertMessage().notice, kind: 'late', to: 'healthy' } });
    await pushoverChannel.send(renderAlert(late), settings({ priority: 2 }), via());
    expect(fake.messages[0]!.get('priority')).toBe('0');
    expect(fake.emergencies).toEqual([]);
  });

  it('keeps the message within 1024 characters and the title within 250, cut between code points', async () => {
    const name = '🚀'.repeat(400);
    const alert = renderAlert(alertMessage({}, { name }), { lastOutput: 'x'.repeat(1400) });
    expect(await pushoverChannel.send(alert, settings(), via())).toBe('HTTP 200');
    const sent = fake.messages[0]!;
    // The subject already shortens the name (shared/app/alert-subject.ts); the title is whole, within 250.
    expect(sent.get('title')).toBe(alert.subject);
    expect([...sent.get('title')!].length).toBeLessThanOrEqual(250);
    expect([...sent.get('message')!].length).toBeLessThanOrEqual(1024);
    expect(sent.get('message')).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('is refused for good with an unknown user key', async () => {
    const other = settings({ user: 'x'.repeat(30) });
    await expect(pushoverChannel.send(renderAlert(alertMessage()), other, via())).rejects.toMatchObject({
      permanent: true,
      message: expect.stringContaining('http_400'),
    });
  });

  it('validates keys, priority and devices', () => {
    const parse = (extra: object) => pushoverChannel.settingsSchema.safeParse({ token: TOKEN, user: USER, ...extra });
    expect(parse({}).success).toBe(true);
    expect(parse({ token: 'short' }).success).toBe(false);
    expect(parse({ priority: 3 }).success).toBe(false);
    expect(parse({ device: 'phone,tablet' }).success).toBe(true);
    expect(parse({ device: 'my phone' }).success).toBe(false);
  });
});
