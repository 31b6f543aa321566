import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookChannel } from '../../../shared/alerts/channels/webhook';
import { SIGNATURE_HEADER, signatureHeader, verifySignature } from '../../../shared/alerts/channels/webhook/signature';
import { renderAlert } from '../../../shared/alerts/render';
import { T0, alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { startReceiver, type Receiver } from '../support/receiver';

const SECRET = 'whsec_test_secret_0123456789';

httpKindContract('webhook', (url) => ({ url, secret: SECRET }));

describe('webhook channel', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('posts the alert as JSON with a signature the receiver can verify', async () => {
    const alert = renderAlert(alertMessage(), { lastOutput: 'dumping\nERROR: disk full' });
    await webhookChannel.send(alert, { url: `${receiver.url}/in`, secret: SECRET }, transports());
    const request = receiver.requests[0]!;
    const header = request.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(header.startsWith(`t=${Math.floor(T0 / 1000)},`)).toBe(true);
    expect(verifySignature(header, request.body, SECRET, Math.floor(T0 / 1000) + 10)).toEqual({ ok: true });
    expect(request.headers['x-cronsentry-event']).toBe('down');
    expect(request.headers['x-cronsentry-delivery']).toBe('job-1:7');

    const payload = receiver.json(0);
    expect(payload).toMatchObject({
      event: 'down',
      subject: 'MISSING | Database Backup',
      test: false,
      lastOutput: 'dumping\nERROR: disk full',
      notice: { id: 'job-1:7', from: 'healthy', to: 'missing' },
      job: { id: 'job-1', name: 'Database Backup', tags: ['db', 'prod'], timezone: 'Europe/Berlin' },
      dashboardUrl: 'https://cronsentry.example.com/#/jobs/job-1',
    });
    expect(payload.text).toContain('Database Backup is missing.');
  });

  it('lets a receiver reject a tampered body, a wrong secret and a replay', async () => {
    await webhookChannel.send(renderAlert(alertMessage()), { url: receiver.url, secret: SECRET }, transports());
    const { body, headers } = receiver.requests[0]!;
    const header = headers[SIGNATURE_HEADER.toLowerCase()] as string;
    const now = Math.floor(T0 / 1000);
    expect(verifySignature(header, body.replace('MISSING', 'HEALTHY'), SECRET, now).ok).toBe(false);
    expect(verifySignature(header, body, 'whsec_another_secret_000000', now).ok).toBe(false);
    expect(verifySignature(header, body, SECRET, now + 301)).toEqual({ ok: false, reason: 'timestamp too old or new' });
    expect(verifySignature(undefined, body, SECRET, now).ok).toBe(false);
    expect(verifySignature('t=abc,v1=zz', body, SECRET, now).ok).toBe(false);
  });

  it('signs "<timestamp>.<body>" with HMAC-SHA256, as documented', () => {
    // Computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac key
    expect(signatureHeader('key', 1_700_000_000, '{}')).toBe(
      't=1700000000,v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae',
    );
  });

  it('generates a signing secret when none is given, and checks the URL', () => {
    const parsed = webhookChannel.settingsSchema.parse({ url: 'https://example.com/hook' });
    expect(parsed.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(webhookChannel.settingsSchema.safeParse({ url: 'ftp://example.com' }).success).toBe(false);
    expect(webhookChannel.settingsSchema.safeParse({ url: 'https://x.example', secret: 'short' }).success).toBe(false);
    expect(webhookChannel.settingsSchema.safeParse({ url: 'https://x.example', extra: 1 }).success).toBe(false);
  });
});
