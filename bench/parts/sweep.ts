import { createDocumentClient } from '../../shared/storage/document-client';
import { round } from '../support/capacity';
import { benchStack, type BenchStack } from '../support/env';
import { batchWrite, healthyJob, itemsOf } from '../support/fleet';
import { describe, mulberry32 } from '../support/stats';

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

/** 1,000 healthy jobs whose deadline passed a little before `now`, with profiles; one sweep. */
async function missingSweep(endpoint: string, count: number, random: () => number) {
  const stack = await benchStack(endpoint);
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
  const t = performance.now();
  const first = await stack.services.checker.sweep(now);
  const ms = performance.now() - t;
  const capacity = stack.meter.summarize();
  const mark = stack.meter.calls.length;
  const second = await stack.services.checker.sweep(now + 10_000);
  const secondCapacity = stack.meter.summarize(mark);
  const result = {
    jobs: count,
    firstSweep: { ...first, ms: Math.round(ms), perJobMs: round(ms / count, 2) },
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
  stack.close();
  return result;
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
  const missingCount = Number(process.env.BENCH_MISSING_JOBS ?? 1000);
  const missing = [];
  for (let run = 0; run < Number(process.env.BENCH_MISSING_RUNS ?? 2); run += 1) {
    console.log(`  missing sweep run ${run + 1}…`);
    missing.push(await missingSweep(endpoint, missingCount, random));
  }
  return { healthy, missing };
}
