import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPSGENIE_API, opsgenieChannel } from '../../../shared/alerts/channels/opsgenie';
import { renderAlert } from '../../../shared/alerts/render';
import { T0, alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { recoveryMessage } from '../support/recovery';
import { startReceiver, type Receiver } from '../support/receiver';
import { opsgenieApi } from '../support/vendors/opsgenie';

const API_KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';

httpKindContract('opsgenie', () => ({ api_key: API_KEY }), {
  path: '/v2/alerts',
  vendor: opsgenieApi(API_KEY).api,
  origin: OPSGENIE_API.us,
});
httpKindContract('opsgenie', () => ({ api_key: API_KEY, region: 'eu' }), {
  path: '/v2/alerts',
  vendor: opsgenieApi(API_KEY).api,
  origin: OPSGENIE_API.eu,
});

describe('opsgenie channel', () => {
  let receiver: Receiver;
  let fake: ReturnType<typeof opsgenieApi>;
  beforeEach(async () => {
    fake = opsgenieApi(API_KEY);
    receiver = await startReceiver(undefined, fake.api);
  });
  afterEach(async () => {
    await receiver.close();
  });
  const settings = (extra: object = {}) => opsgenieChannel.settingsSchema.parse({ api_key: API_KEY, ...extra });

  it('creates an alert with the job id as alias and GenieKey auth, and closes it by alias on recovery', async () => {
    const via = transports({ vendorOrigins: { [OPSGENIE_API.us]: receiver.url } });
    const alert = renderAlert(alertMessage(), { lastOutput: 'ERROR: disk full' });
    expect(await opsgenieChannel.send(alert, settings({ priority: 'P1' }), via)).toBe('HTTP 202');
    await opsgenieChannel.send(renderAlert(alertMessage()), settings(), via); // a reminder: same alias
    expect(fake.alerts.get('job-1')).toMatchObject({ status: 'open', count: 2 });
    await opsgenieChannel.send(renderAlert(recoveryMessage(), { downSince: T0 }), settings(), via);
    expect(fake.alerts.get('job-1')?.status).toBe('closed');

    expect(receiver.requests[0]!.headers.authorization).toBe(`GenieKey ${API_KEY}`);
    expect(receiver.json(0)).toMatchObject({
      message: 'MISSING | Database Backup',
      alias: 'job-1',
      priority: 'P1',
      entity: 'Database Backup',
      source: 'CronSentry',
      tags: ['cronsentry', 'missing', 'db', 'prod'],
      details: { Dashboard: 'https://cronsentry.example.com/#/jobs/job-1' },
      note: 'ERROR: disk full',
    });
    expect(receiver.requests[2]!.path).toBe('/v2/alerts/job-1/close?identifierType=alias');
    expect(receiver.json(2)).toMatchObject({ source: 'CronSentry', note: expect.stringContaining('has recovered') });
  });

  it('opens no alert for a late notice: no recovery would close it', async () => {
    const via = transports({ vendorOrigins: { [OPSGENIE_API.us]: receiver.url } });
    expect(
      await opsgenieChannel.send(
        renderAlert(alertMessage({ event: 'late', notice: { ...alertMessage().notice, kind: 'late', to: 'healthy' } })),
        settings(),
        via,
      ),
    ).toBe('not sent: a late notice opens no incident');
    expect(receiver.requests).toEqual([]);
  });

  it('talks to the EU instance for an EU account, and only there', async () => {
    const via = transports({ vendorOrigins: { [OPSGENIE_API.eu]: receiver.url } });
    expect(await opsgenieChannel.send(renderAlert(alertMessage()), settings({ region: 'eu' }), via)).toBe('HTTP 202');
    expect(OPSGENIE_API).toEqual({ us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' });
  });

  it('is refused for good with a wrong key, and keeps the message within 130 characters', async () => {
    const via = transports({ vendorOrigins: { [OPSGENIE_API.us]: receiver.url } });
    const wrong = settings({ api_key: '00000000-0000-0000-0000-000000000000' });
    await expect(opsgenieChannel.send(renderAlert(alertMessage()), wrong, via)).rejects.toMatchObject({
      permanent: true,
      message: expect.stringContaining('http_401'),
    });
    const long = renderAlert(alertMessage({}, { name: '𝔸'.repeat(300) }));
    expect(await opsgenieChannel.send(long, settings(), via)).toBe('HTTP 202');
    // The subject already shortens the name (shared/app/alert-subject.ts); within 130 either way.
    expect([...receiver.json<{ message: string }>(1).message].length).toBeLessThanOrEqual(130);
  });

  it('validates region and priority', () => {
    expect(opsgenieChannel.settingsSchema.safeParse({ api_key: API_KEY, region: 'apac' }).success).toBe(false);
    expect(opsgenieChannel.settingsSchema.safeParse({ api_key: API_KEY, priority: 'P0' }).success).toBe(false);
    expect(opsgenieChannel.settingsSchema.safeParse({ api_key: 'x y' }).success).toBe(false);
  });
});
