import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../shared/app/alert-bus';
import { LocalAlertBus } from '../../sandbox/local-alert-bus';
import { StorePendingAlerts } from '../../sandbox/pending-alerts';
import { silentLogger } from '../support/services';
import { freshTable } from '../support/stores';

const message = {
  event: 'down',
  notice: {
    id: 'job:3',
    kind: 'flip',
    jobId: 'job',
    projectId: 'p',
    from: 'healthy',
    to: 'missing',
    at: 0,
    reason: 'r',
  },
  job: { name: 'backup' },
} as unknown as AlertMessage;

/** A bus over a fresh table in dynalite (the sandbox's store) with a clock the test moves. */
async function busWith(subscriber: (message: AlertMessage) => Promise<void>) {
  const { documents, tableName } = await freshTable('dynalite');
  const pending = new StorePendingAlerts(documents, tableName);
  const clock = { now: 1_000_000 };
  const make = () =>
    new LocalAlertBus(subscriber, pending, silentLogger, { retryDelaysMs: [60_000, 120_000], clock: () => clock.now });
  return { bus: make(), make, pending, clock };
}

describe('the sandbox alert bus', () => {
  it('retries a failed delivery one and then two minutes later, like Lambda, then stops', async () => {
    let calls = 0;
    const { bus, pending, clock } = await busWith(async () => {
      calls += 1;
      throw new Error('webhook answered 503');
    });
    await bus.publish(message);
    await bus.whenIdle();
    expect(calls).toBe(1);
    clock.now += 59_000;
    expect(await bus.retryDue()).toBe(0);
    clock.now += 1_000;
    expect(await bus.retryDue()).toBe(1);
    await bus.whenIdle();
    clock.now += 120_000;
    await bus.retryDue();
    await bus.whenIdle();
    expect(calls).toBe(3);
    expect(await pending.due(Number.POSITIVE_INFINITY)).toEqual([]);
  });

  it('forgets a message once it is delivered', async () => {
    let calls = 0;
    const { bus, pending } = await busWith(async () => {
      calls += 1;
      if (calls === 1) throw new Error('timeout');
    });
    await bus.publish(message);
    await bus.whenIdle();
    await bus.retryDue(Number.POSITIVE_INFINITY);
    await bus.whenIdle();
    expect(calls).toBe(2);
    expect(await pending.due(Number.POSITIVE_INFINITY)).toEqual([]);
  });

  it('keeps what a process was delivering when it died; the next process delivers it at start', async () => {
    const delivered: string[] = [];
    const { make, pending } = await busWith(async (m) => void delivered.push(m.notice.id));
    // A process took the message and died before delivering it: only the store remembers it.
    await pending.put(message, Date.now() + 300_000);
    const next = make();
    expect(await next.retryDue()).toBe(0); // its claim has not run out by the clock …
    expect(await next.retryDue(Number.POSITIVE_INFINITY)).toBe(1); // … but at start-up nothing else holds it
    await next.whenIdle();
    expect(delivered).toEqual(['job:3']);
  });
});
