import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../shared/app/alert-bus';
import { LocalAlertBus } from '../../sandbox/local-alert-bus';
import { silentLogger } from '../support/services';

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

describe('the sandbox alert bus', () => {
  it('retries a failed delivery like Lambda retries an asynchronous invocation, then stops', async () => {
    const slept: number[] = [];
    let calls = 0;
    const bus = new LocalAlertBus(
      async () => {
        calls += 1;
        throw new Error('webhook answered 503');
      },
      silentLogger,
      { retryDelaysMs: [60_000, 120_000], sleep: async (ms) => void slept.push(ms) },
    );
    await bus.publish(message);
    await bus.drain();
    expect(calls).toBe(3);
    expect(slept).toEqual([60_000, 120_000]);
  });

  it('stops retrying once a delivery succeeds', async () => {
    let calls = 0;
    const bus = new LocalAlertBus(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('timeout');
      },
      silentLogger,
      { sleep: async () => undefined },
    );
    await bus.publish(message);
    await bus.drain();
    expect(calls).toBe(2);
  });

  it('does not hold a shutdown for a retry that is only waiting', async () => {
    let calls = 0;
    const bus = new LocalAlertBus(
      async () => {
        calls += 1;
        throw new Error('down');
      },
      silentLogger,
      { retryDelaysMs: [3_600_000] },
    );
    await bus.publish(message);
    await new Promise((resolve) => setImmediate(resolve));
    await bus.close(); // would wait an hour if the pending retry were not cancelled
    expect(calls).toBe(1);
  });
});
