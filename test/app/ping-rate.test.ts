import { describe, expect, it } from 'vitest';
import { PingRateGate } from '../../shared/app/ping-rate';
import type { HistoryStore } from '../../shared/app/ports/history-store';
import type { PingRecord } from '../../shared/domain/history';

const MINUTE = 60_000;
const NOW = 1_700_000_000_000;
const JOB = 'job-1';

/** A ping log holding pings at the given times (newest first, as the store returns them); counts its reads. */
function historyAt(times: readonly number[]) {
  const log = {
    reads: 0,
    async listPings(jobId: string, limit: number) {
      log.reads += 1;
      const items: PingRecord[] = [...times]
        .sort((a, b) => b - a)
        .slice(0, limit)
        .map((at) => ({
          jobId,
          kind: 'success',
          at,
          method: 'GET',
          sourceIp: '203.0.113.1',
          userAgent: 'test',
          body: '',
          bodyTruncated: false,
        }));
      return { items, nextCursor: null };
    },
  } satisfies Pick<HistoryStore, 'listPings'> & { reads: number };
  return log;
}

describe('PingRateGate.allows: the rate gate decides before anything is written', () => {
  it('lets a ping that keeps to the limit’s pace through without reading the log', async () => {
    const history = historyAt([]);
    const gate = new PingRateGate(history, 6); // one ping per 10 s keeps to the pace
    expect(await gate.allows(JOB, 'success', NOW - 10_000, NOW)).toBe(true);
    expect(await gate.allows(JOB, 'start', undefined, NOW)).toBe(true); // never pinged
    expect(history.reads).toBe(0);
  });

  it('counts a ping that comes sooner than the pace: allowed while the last minute holds fewer than the limit', async () => {
    const history = historyAt([NOW - 5_000, NOW - 30_000]);
    const gate = new PingRateGate(history, 3);
    expect(await gate.allows(JOB, 'success', NOW - 5_000, NOW)).toBe(true);
    expect(history.reads).toBe(1);
  });

  it('refuses once the last minute holds the limit, and remembers that until the oldest of them is a minute old', async () => {
    const oldest = NOW - 40_000;
    const history = historyAt([NOW - 1_000, NOW - 20_000, oldest]);
    const gate = new PingRateGate(history, 3);
    expect(await gate.allows(JOB, 'success', NOW - 1_000, NOW)).toBe(false);
    expect(history.reads).toBe(1);
    // Remembered: no read, even for a ping that would keep to the pace.
    expect(await gate.allows(JOB, 'success', NOW - 1_000, oldest + MINUTE - 1)).toBe(false);
    expect(history.reads).toBe(1);
    // Once the oldest counted ping is a minute old, the gate looks again (and the log says "fine").
    expect(await gate.allows(JOB, 'success', NOW - 1_000, oldest + MINUTE + 30_000)).toBe(true);
  });

  it('pings older than a minute do not count against the limit', async () => {
    const history = historyAt([NOW - 2_000, NOW - MINUTE - 1, NOW - 2 * MINUTE]);
    const gate = new PingRateGate(history, 3);
    expect(await gate.allows(JOB, 'success', NOW - 2_000, NOW)).toBe(true);
  });

  it('always counts `log` pings, which the job item does not record', async () => {
    const history = historyAt([NOW - 1_000, NOW - 2_000]);
    const gate = new PingRateGate(history, 2);
    expect(await gate.allows(JOB, 'log', NOW - 10 * MINUTE, NOW)).toBe(false);
    expect(history.reads).toBe(1);
  });

  it('keeps one job’s verdict to that job', async () => {
    const history = historyAt([NOW - 1_000, NOW - 2_000]);
    const gate = new PingRateGate(history, 2);
    expect(await gate.allows(JOB, 'success', NOW - 1_000, NOW)).toBe(false);
    expect(await gate.allows('job-2', 'success', NOW - MINUTE, NOW)).toBe(true);
  });
});
