import type { JobState } from '../../shared/domain/job';
import { createDocumentClient } from '../../shared/storage/document-client';
import { round } from '../support/capacity';
import { benchStack, type BenchStack } from '../support/env';
import { batchWrite, healthyJob, itemsOf } from '../support/fleet';
import { mulberry32 } from '../support/stats';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * A virtual clock in which real work takes its real time but sleeping is free of wall time and
 * still advances the clock (and the bill): Lambda bills sleeping seconds like working ones.
 */
class VirtualClock {
  private offset: number;
  constructor(start: number) {
    this.offset = start - performance.now();
  }
  now = (): number => Math.floor(performance.now() + this.offset);
  sleep = async (ms: number): Promise<void> => {
    this.offset += Math.max(0, ms);
  };
  /** Moves the clock forward to `at` if it is behind (idle time between invocations is not billed). */
  advanceTo(at: number): void {
    const now = this.now();
    if (at > now) this.offset += at - now;
  }
  /** Runs work without letting its wall time move the clock (pings are not the checker's bill). */
  async frozen<T>(work: () => Promise<T>): Promise<T> {
    const before = performance.now();
    try {
      return await work();
    } finally {
      this.offset -= performance.now() - before;
    }
  }
}

async function simulateHour(
  stack: BenchStack,
  start: number,
  pingsByMinute: Map<number, { jobId: string; at: number }[]>,
) {
  const clock = new VirtualClock(start);
  const invocations: { minute: number; billedMs: number; sweeps: number }[] = [];
  const mark = stack.meter.calls.length;
  for (let minute = 0; minute < 60; minute += 1) {
    const pings = pingsByMinute.get(minute) ?? [];
    stack.meter.label = 'pings';
    await clock.frozen(async () => {
      for (const ping of pings) {
        await stack.services.pings.record(
          { jobId: ping.jobId, kind: 'success', method: 'GET', sourceIp: '203.0.113.7', userAgent: 'curl', body: '' },
          ping.at,
        );
      }
    });
    clock.advanceTo(start + minute * MINUTE);
    stack.meter.label = 'checker';
    const began = clock.now();
    const { sweeps } = await stack.services.checker.runInvocation(clock.now, clock.sleep, MINUTE, 10_000);
    invocations.push({ minute, billedMs: clock.now() - began, sweeps });
  }
  const billed = invocations.reduce((a, i) => a + i.billedMs, 0);
  const checkerCalls = stack.meter.calls.slice(mark).filter((c) => c.label === 'checker');
  const read = checkerCalls.reduce((a, c) => a + (c.mode === 'read' ? c.table : 0), 0);
  const write = checkerCalls.reduce(
    (a, c) => a + (c.mode === 'write' ? c.table + Object.values(c.indexes).reduce((x, y) => x + y, 0) : 0),
    0,
  );
  const busiest = [...invocations].sort((a, b) => b.billedMs - a.billedMs).slice(0, 3);
  return {
    billedSecondsPerHour: round(billed / 1000, 2),
    invocations: invocations.length,
    sweeps: invocations.reduce((a, i) => a + i.sweeps, 0),
    medianInvocationMs: [...invocations].sort((a, b) => a.billedMs - b.billedMs)[30]!.billedMs,
    busiestInvocations: busiest,
    checkerCalls: checkerCalls.length,
    checkerReadUnits: round(read),
    checkerWriteUnits: round(write),
  };
}

/**
 * Checker busy time (what Lambda bills) over one simulated hour: 60 invocations, one per minute,
 * each `runInvocation(clock, sleep, 60 s, 10 s)` on a virtual clock (see VirtualClock).
 */
export async function runBusy(endpoint: string) {
  const random = mulberry32(3);
  const start = Date.UTC(2030, 0, 7, 10, 0, 0);
  const out: Record<string, unknown> = {
    clock: 'virtual: work costs its real time, sleep advances the clock for free',
  };

  const repeats = Number(process.env.BENCH_BUSY_REPEATS ?? 3);
  const summarizeRuns = (runs: Awaited<ReturnType<typeof simulateHour>>[]) => ({
    billedSecondsPerHour: runs.map((r) => r.billedSecondsPerHour),
    medianBilledSecondsPerHour: [...runs.map((r) => r.billedSecondsPerHour)].sort((a, b) => a - b)[
      Math.floor(runs.length / 2)
    ],
    runs,
  });

  // 1. Empty fleet.
  {
    const runs = [];
    for (let r = 0; r < repeats; r += 1) {
      const stack = await benchStack(endpoint);
      runs.push(await simulateHour(stack, start, new Map()));
      stack.close();
    }
    out.emptyFleet = summarizeRuns(runs);
  }

  // 2. 1,000 hourly cron jobs (0 * * * *, 5 min grace) that last succeeded in the previous hour;
  //    each finishes 5–90 s after the hour; `missingCount` of them do not run this hour.
  const jobs = Number(process.env.BENCH_BUSY_JOBS ?? 1000);
  for (const missingCount of [0, 10]) {
    const runs = [];
    for (let r = 0; r < repeats; r += 1) {
      const stack = await benchStack(endpoint);
      const states: JobState[] = [];
      const items: Record<string, unknown>[] = [];
      for (let i = 0; i < jobs; i += 1) {
        const state = healthyJob({
          projectId: 'bench',
          schedule: { kind: 'cron', expression: '0 * * * *', timezone: 'UTC' },
          graceMs: 5 * MINUTE,
          lastPingAt: start - HOUR + 5_000 + Math.round(random() * 85_000),
        });
        states.push(state);
        items.push(...(await itemsOf(state, true)));
      }
      await batchWrite(createDocumentClient(stack.seedClient), stack.tableName, items);
      const pingsByMinute = new Map<number, { jobId: string; at: number }[]>();
      states.slice(missingCount).forEach((state) => {
        const at = start + 5_000 + Math.round(random() * 85_000);
        const minute = Math.floor((at - start) / MINUTE);
        pingsByMinute.set(minute, [...(pingsByMinute.get(minute) ?? []), { jobId: state.id, at }]);
      });
      const result = await simulateHour(stack, start, pingsByMinute);
      runs.push({ ...result, alertsPublished: stack.bus.messages.length });
      stack.close();
    }
    out[`hourly${jobs}_missing${missingCount}`] = summarizeRuns(runs);
  }
  return out;
}
