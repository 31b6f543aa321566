import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../shared/storage/document-client';
import { createServices } from '../../shared/wiring/services';
import { round } from '../support/capacity';
import { benchStack, load, type BenchStack } from '../support/env';
import { batchWrite, healthyJob, itemsOf } from '../support/fleet';
import { describe, mulberry32, percentile } from '../support/stats';
import { baselineCheckout } from './sandbox-side-by-side';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function sizes(): number[] {
  return (process.env.BENCH_SWEEP_SIZES ?? '1000,10000,100000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}

/** Seeds `count` healthy hourly-interval jobs whose deadlines lie 10–65 minutes after `now`. */
async function seedHealthy(stack: BenchStack, count: number, now: number, random: () => number) {
  const documents = createDocumentClient(stack.seedClient);
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const state = healthyJob({
      projectId: 'bench',
      schedule: { kind: 'interval', everyMs: HOUR, timezone: 'UTC' },
      graceMs: 5 * MINUTE,
      lastPingAt: now - Math.round(random() * 55 * MINUTE),
    });
    items.push(...(await itemsOf(state, false)));
  }
  const t = performance.now();
  await batchWrite(documents, stack.tableName, items);
  return { items: items.length, seconds: round((performance.now() - t) / 1000, 1) };
}

async function measureSweeps(stack: BenchStack, now: number, repetitions: number) {
  const times: number[] = [];
  const reads: number[] = [];
  const lookTimes: number[] = [];
  const lookReads: number[] = [];
  let due = 0;
  for (let i = 0; i < repetitions; i += 1) {
    stack.meter.label = 'sweep';
    let mark = stack.meter.calls.length;
    let t = performance.now();
    const report = await stack.services.checker.sweep(now);
    times.push(performance.now() - t);
    reads.push(stack.meter.summarize(mark).read);
    due += report.due;
    mark = stack.meter.calls.length;
    t = performance.now();
    await stack.services.checker.nextLook(now);
    lookTimes.push(performance.now() - t);
    lookReads.push(stack.meter.summarize(mark).read);
  }
  const calls = stack.meter.calls.filter((c) => c.label === 'sweep');
  return {
    repetitions,
    sweepMs: describe(times),
    sweepReadUnits: describe(reads, 3),
    dueFound: due,
    nextLookMs: describe(lookTimes),
    nextLookReadUnits: describe(lookReads, 3),
    writeUnits: round(calls.reduce((a, c) => a + (c.mode === 'write' ? c.table : 0), 0)),
  };
}

/**
 * `count` healthy jobs whose deadline passed a little before now, with profiles; one sweep. The
 * checker wakes at the earliest deadline (`runInvocation`), so the sweep's start stands for the
 * deadline: `lastAlertMs` is how long after it the last of the alerts reached the bus.
 */
async function missingSweep(
  endpoint: string,
  count: number,
  random: () => number,
  wire: typeof createServices = createServices,
) {
  const stack = await benchStack(endpoint, {}, wire);
  const now = Date.now();
  const documents = createDocumentClient(stack.seedClient);
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const state = healthyJob({
      projectId: 'bench',
      schedule: { kind: 'interval', everyMs: MINUTE, timezone: 'UTC' },
      graceMs: MINUTE,
      lastPingAt: now - 2 * MINUTE - 1_000 - Math.round(random() * 30_000),
    });
    items.push(...(await itemsOf(state, true)));
  }
  await batchWrite(documents, stack.tableName, items);
  stack.meter.label = 'missing-sweep';
  const start = Date.now();
  const t = performance.now();
  const first = await stack.services.checker.sweep(start);
  const ms = performance.now() - t;
  const capacity = stack.meter.summarize();
  const mark = stack.meter.calls.length;
  const busRequests = stack.bus.requests;
  const second = await stack.services.checker.sweep(start + 10_000);
  const secondCapacity = stack.meter.summarize(mark);
  const alertTimes = stack.bus.messages.map((m) => m.at - start);
  const storeCalls = Object.values(capacity.callsByCommand as Record<string, number>).reduce((a, b) => a + b, 0);
  const result = {
    jobs: count,
    firstSweep: { ...first, ms: Math.round(ms), perJobMs: round(ms / count, 2) },
    firstAlertMs: Math.min(...alertTimes),
    lastAlertMs: Math.max(...alertTimes),
    callsPerFlip: { store: round(storeCalls / first.flipped, 2), bus: round(busRequests / first.flipped, 2) },
    firstSweepCapacity: {
      read: capacity.read,
      write: capacity.write,
      perFlip: { read: round(capacity.read / count), write: round(capacity.write / count) },
      breakdown: capacity.breakdown,
      callsByCommand: capacity.callsByCommand,
      failedCalls: capacity.failedCalls,
    },
    alertsPublished: stack.bus.messages.length,
    secondSweep: { ...second, read: secondCapacity.read, write: secondCapacity.write },
  };
  await stack.seedClient.send(new DeleteTableCommand({ TableName: stack.tableName }));
  stack.close();
  return result;
}

type MissingRun = Awaited<ReturnType<typeof missingSweep>>;

/**
 * This checkout (B) beside a baseline (A) on the same DynamoDB Local, for each outage size:
 * a warm-up sweep first (a fresh JVM is several times slower), then pairs alternating A, B / B, A,
 * each run a fresh table. Medians per side and their ratio are the figures.
 */
async function missingSideBySide(endpoint: string, counts: readonly number[], pairs: number, baseline: string) {
  const checkout = await baselineCheckout(baseline);
  try {
    const url = pathToFileURL(path.join(checkout.root, 'shared/wiring/services.ts')).href;
    const baselineWire = ((await import(url)) as { createServices: typeof createServices }).createServices;
    const random = mulberry32(11);
    console.log('  warm-up sweep…');
    await missingSweep(endpoint, 1000, random);
    const sizes = [];
    for (const count of counts) {
      const runs: { side: 'A' | 'B'; loadAverage: number[]; run: MissingRun }[] = [];
      for (let pair = 0; pair < pairs; pair += 1) {
        for (const side of pair % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
          const loadAverage = load();
          const run = await missingSweep(endpoint, count, random, side === 'A' ? baselineWire : createServices);
          runs.push({ side, loadAverage, run });
          console.log(
            `  ${count} jobs, pair ${pair + 1} ${side}: last alert ${run.lastAlertMs} ms after the deadline, ${run.callsPerFlip.store} store calls per flip (load ${loadAverage[0]})`,
          );
        }
      }
      const median = (side: 'A' | 'B', pick: (run: MissingRun) => number) =>
        percentile(
          runs.filter((r) => r.side === side).map((r) => pick(r.run)),
          50,
        );
      const side = (name: 'A' | 'B') => ({
        lastAlertMs: median(name, (run) => run.lastAlertMs),
        firstAlertMs: median(name, (run) => run.firstAlertMs),
        storeCallsPerFlip: median(name, (run) => run.callsPerFlip.store),
        busRequestsPerFlip: median(name, (run) => run.callsPerFlip.bus),
        callsByCommand: runs.find((r) => r.side === name)?.run.firstSweepCapacity.callsByCommand,
      });
      const [a, b] = [side('A'), side('B')];
      sizes.push({
        jobs: count,
        medians: { baseline: a, candidate: b },
        lastAlertRatio: round(b.lastAlertMs / a.lastAlertMs, 2),
        runs: runs.map((r) => ({ side: r.side, loadAverage: r.loadAverage, ...r.run })),
      });
    }
    return { baseline: checkout.label, pairs, order: 'warm-up, then A, B / B, A … per size', sizes };
  } finally {
    await checkout.remove();
  }
}

export async function runSweep(endpoint: string) {
  const random = mulberry32(7);
  const repetitions = Number(process.env.BENCH_SWEEP_REPETITIONS ?? 15);
  const stack = await benchStack(endpoint);
  const now = Date.now();
  const healthy = [];
  let seeded = 0;
  for (const size of sizes()) {
    const seeding = await seedHealthy(stack, size - seeded, now, random);
    seeded = size;
    console.log(`  seeded ${size} healthy jobs (+${seeding.items} items in ${seeding.seconds} s); sweeping…`);
    healthy.push({ healthyJobs: size, seeding, ...(await measureSweeps(stack, now, repetitions)) });
  }
  stack.close();
  // BENCH_MISSING_JOBS: outage sizes, e.g. "1000,10000"; BENCH_SWEEP_BASELINE: a commit or a
  // checkout to measure beside this one (A/B), BENCH_MISSING_RUNS runs of each side per size.
  const missingCounts = (process.env.BENCH_MISSING_JOBS ?? '1000').split(',').map((n) => Number(n.trim()));
  const runs = Number(process.env.BENCH_MISSING_RUNS ?? 2);
  const baseline = process.env.BENCH_SWEEP_BASELINE;
  if (baseline) {
    return { healthy, missingSideBySide: await missingSideBySide(endpoint, missingCounts, runs, baseline) };
  }
  const missing = [];
  for (const count of missingCounts) {
    for (let run = 0; run < runs; run += 1) {
      console.log(`  missing sweep of ${count} jobs, run ${run + 1}…`);
      missing.push(await missingSweep(endpoint, count, random));
    }
  }
  return { healthy, missing };
}
