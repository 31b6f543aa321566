import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAGERDUTY_EVENTS_URL, pagerDutyChannel } from '../../../shared/alerts/channels/pagerduty';
import { renderAlert } from '../../../shared/alerts/render';
import { T0, alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { recoveryMessage } from '../support/recovery';
import { startReceiver, type Receiver } from '../support/receiver';
import { pagerDutyApi } from '../support/vendors/pagerduty';

const ROUTING_KEY = 'e93facc04764012d7bfb002500d5d1a6';
const ORIGIN = new URL(PAGERDUTY_EVENTS_URL).origin;

httpKindContract('pagerduty', () => ({ routing_key: ROUTING_KEY }), {
  path: '/v2/enqueue',
  vendor: pagerDutyApi().api,
  origin: ORIGIN,
});

describe('pagerduty channel', () => {
  let receiver: Receiver;
  let fake: ReturnType<typeof pagerDutyApi>;
  beforeEach(async () => {
    fake = pagerDutyApi();
    receiver = await startReceiver(undefined, fake.api);
  });
  afterEach(async () => {
    await receiver.close();
  });
  const via = () => transports({ vendorOrigins: { [ORIGIN]: receiver.url } });
  const settings = (extra: object = {}) =>
    pagerDutyChannel.settingsSchema.parse({ routing_key: ROUTING_KEY, ...extra });

  it('triggers on down with the job id as dedup_key, and resolves the same alert on recovery', async () => {
    expect(await pagerDutyChannel.send(renderAlert(alertMessage()), settings(), via())).toBe('HTTP 202');
    expect(fake.alerts.get('job-1')).toBe('triggered');
    await pagerDutyChannel.send(renderAlert(recoveryMessage(), { downSince: T0 }), settings(), via());
    expect(fake.alerts.get('job-1')).toBe('resolved');

    const trigger = receiver.json(0);
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'job-1',
      payload: {
        summary: expect.stringMatching(/^MISSING \| Database Backup: expected a ping/),
        source: 'Database Backup',
        severity: 'critical',
        timestamp: new Date(T0).toISOString(),
        class: 'missing',
        group: 'db, prod',
        custom_details: { Schedule: 'At 03:00 (Europe/Berlin)' },
      },
      client: 'CronSentry',
      client_url: 'https://cronsentry.example.com/#/jobs/job-1',
      links: [{ href: 'https://cronsentry.example.com/#/jobs/job-1', text: 'Open in CronSentry' }],
    });
    expect(receiver.json(1)).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'job-1' });
  });

  it('pages nothing for a late notice: no recovery would resolve it', async () => {
    expect(
      await pagerDutyChannel.send(
        renderAlert(alertMessage({ event: 'late', notice: { ...alertMessage().notice, kind: 'late', to: 'healthy' } })),
        settings(),
        via(),
      ),
    ).toBe('not sent: a late notice opens no incident');
    expect(receiver.requests).toEqual([]);
  });

  it('maps the severity setting, and sends test messages as info under their own dedup_key', async () => {
    await pagerDutyChannel.send(renderAlert(alertMessage()), settings({ severity: 'warning' }), via());
    await pagerDutyChannel.send(renderAlert(alertMessage(), { test: true }), settings(), via());
    expect(receiver.json<{ payload: { severity: string } }>(0).payload.severity).toBe('warning');
    expect(receiver.json(1)).toMatchObject({ dedup_key: 'job-1:7', payload: { severity: 'info' } });
  });

  it('cuts a long summary to 1024 characters between code points', async () => {
    const reason = '💥'.repeat(2000);
    const alert = renderAlert(alertMessage({ notice: { ...alertMessage().notice, reason } }));
    expect(await pagerDutyChannel.send(alert, settings(), via())).toBe('HTTP 202');
    const summary = receiver.json<{ payload: { summary: string } }>(0).payload.summary;
    expect([...summary]).toHaveLength(1024);
    expect(summary.endsWith('💥…')).toBe(true);
  });

  it('refuses what PagerDuty would refuse', () => {
    expect(pagerDutyChannel.settingsSchema.safeParse({ routing_key: 'short' }).success).toBe(false);
    expect(pagerDutyChannel.settingsSchema.safeParse({ routing_key: ROUTING_KEY, severity: 'fatal' }).success).toBe(
      false,
    );
    expect(pagerDutyChannel.settingsSchema.parse({ routing_key: ROUTING_KEY })).toEqual({
      routing_key: ROUTING_KEY,
      severity: 'critical',
    });
  });
});
