import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderAlert } from '../../../shared/alerts/render';
import { sendWithRetries } from '../../../shared/alerts/send';
import { FAST_POLICY, alertMessage, channel, recordingSleep, transports } from './fixtures';
import { startReceiver, type Receiver, type VendorApi } from './receiver';

/** How a vendor's kind differs from a plain webhook; every field has the webhook's default. */
export interface VendorContract {
  /** The path (and query) the kind must POST to; `/hook` is the path of the URL `settingsFor` gets. */
  readonly path?: string;
  readonly contentType?: string;
  /** The vendor's fake API: it judges every request, so every test also proves the request shape. */
  readonly vendor?: VendorApi;
  /** A hosted vendor's fixed origin (`https://events.pagerduty.com`), pointed at the receiver. */
  readonly origin?: string;
}

/**
 * What every HTTP channel kind must do against a real receiver: sent on 2xx, retried with backoff
 * on 5xx, 429 (honouring Retry-After) and timeouts, never retried on other 4xx.
 */
export function httpKindContract(
  kind: string,
  settingsFor: (url: string) => Record<string, unknown>,
  contract: VendorContract = {},
) {
  describe(`${kind}: delivery over HTTP`, () => {
    let receiver: Receiver;
    beforeEach(async () => {
      receiver = await startReceiver(undefined, contract.vendor);
    });
    afterEach(async () => {
      await receiver.close();
    });
    const send = (sleep: (ms: number) => Promise<void>, httpTimeoutMs = 2_000) =>
      sendWithRetries(renderAlert(alertMessage()), channel(kind, settingsFor(`${receiver.url}/hook`)), {
        transports: transports({
          httpTimeoutMs,
          ...(contract.origin ? { vendorOrigins: { [contract.origin]: receiver.url } } : {}),
        }),
        sleep,
        policy: FAST_POLICY,
      });

    it('is sent with one POST of JSON on a 2xx', async () => {
      const { waits, sleep } = recordingSleep();
      const outcome = await send(sleep);
      expect(outcome).toMatchObject({ ok: true, attempts: 1 });
      expect(waits).toEqual([]);
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]!.method).toBe('POST');
      expect(receiver.requests[0]!.path).toBe(contract.path ?? '/hook');
      expect(receiver.requests[0]!.headers['content-type']).toBe(contract.contentType ?? 'application/json');
    });

    it('delivers the statuses and notices of issue 12: overrunning, and a late notice (or says why not)', async () => {
      const base = alertMessage();
      const overrunning = alertMessage({
        notice: { ...base.notice, to: 'overrunning', reason: 'a run is still going after its maximum runtime of 1 h' },
      });
      const late = alertMessage({ event: 'late', notice: { ...base.notice, kind: 'late', to: 'healthy' } });
      for (const message of [overrunning, late]) {
        const alert = renderAlert(message);
        const outcome = await sendWithRetries(alert, channel(kind, settingsFor(`${receiver.url}/hook`)), {
          transports: transports(contract.origin ? { vendorOrigins: { [contract.origin]: receiver.url } } : {}),
          sleep: recordingSleep().sleep,
          policy: FAST_POLICY,
        });
        expect(outcome, message.event).toMatchObject({ ok: true, attempts: 1 });
      }
      // Incident tools leave a late notice out; everyone else gets both, the vendor's fake judging each.
      expect(receiver.requests.length).toBeGreaterThanOrEqual(1);
      const sent = receiver.requests.map((request) => request.body).join('\n');
      expect(sent).toMatch(/overrunning/i);
    });

    it('retries a 500 after a backoff and then succeeds', async () => {
      receiver.answer([{ status: 500, body: 'boom' }, { status: 200 }]);
      const { waits, sleep } = recordingSleep();
      const outcome = await send(sleep);
      expect(outcome).toMatchObject({ ok: true, attempts: 2 });
      expect(waits).toEqual([FAST_POLICY.baseDelayMs]);
      expect(receiver.requests).toHaveLength(2);
    });

    it('retries a 429 no sooner than its Retry-After asks', async () => {
      receiver.answer([{ status: 429, headers: { 'retry-after': '5' } }, { status: 204 }]);
      const { waits, sleep } = recordingSleep();
      const outcome = await send(sleep);
      expect(outcome).toMatchObject({ ok: true, attempts: 2 });
      expect(waits).toEqual([5_000]);
    });

    it('gives up after the last attempt on a persistent 503, as a failure that may pass later', async () => {
      receiver.answer([{ status: 503 }]);
      const { waits, sleep } = recordingSleep();
      const outcome = await send(sleep);
      expect(outcome).toMatchObject({ ok: false, permanent: false, attempts: FAST_POLICY.maxAttempts });
      expect(waits).toEqual([FAST_POLICY.baseDelayMs, 2 * FAST_POLICY.baseDelayMs]);
      expect(receiver.requests).toHaveLength(FAST_POLICY.maxAttempts);
    });

    it('does not retry a 400: the receiver said no for good', async () => {
      receiver.answer([{ status: 400, body: 'invalid_payload' }]);
      const { waits, sleep } = recordingSleep();
      const outcome = await send(sleep);
      expect(outcome).toEqual({ ok: false, permanent: true, attempts: 1, error: 'http_400' });
      expect(waits).toEqual([]);
      expect(receiver.requests).toHaveLength(1);
    });

    it('treats a receiver that does not answer in time as transient and tries again', async () => {
      receiver.answer(['hang', { status: 200 }]);
      const { sleep } = recordingSleep();
      const outcome = await send(sleep, 300);
      expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    });
  });
}
