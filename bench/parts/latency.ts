import { setTimeout as sleep } from 'node:timers/promises';
import type { JobState } from '../../shared/domain/job';
import { createDocumentClient } from '../../shared/storage/document-client';
import { round } from '../support/capacity';
import { benchStack } from '../support/env';
import { batchWrite, healthyJob, itemsOf } from '../support/fleet';
import { describe, mulberry32 } from '../support/stats';

const MINUTE = 60_000;

/**
 * Detection latency with the REAL clock and real sleeps: N healthy jobs whose deadlines are spread
 * evenly (with jitter) across one minute; two checker invocations as EventBridge would start them
 * (at t0 and t0 + 60 s, each `runInvocation(Date.now, sleep, 60 s, 10 s)`). Measured: deadline →
 * the moment the conditional write that flips the job to missing returned, and deadline → the
 * alert reaching the (in-process) bus.
 */
async function once(endpoint: string, count: number, random: () => number) {
  const stack = await benchStack(endpoint);
  const { services } = stack;
  const margin = 5_000 + count * 3;
  const t0 = Date.now() + margin;
  const deadlines = new Map<string, number>();
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const deadline = Math.round(t0 + 1_000 + ((i + random()) * MINUTE) / count);
    // Interval 1 min, grace 1 min: the deadline is last ping + 2 min.
    const state = healthyJob({
      projectId: 'bench',
      schedule: { kind: 'interval', everyMs: MINUTE, timezone: 'UTC' },
      graceMs: MINUTE,
      lastPingAt: deadline - 2 * MINUTE,
    });
    deadlines.set(state.id, deadline);
    items.push(...(await itemsOf(state, true)));
  }
  await batchWrite(createDocumentClient(stack.seedClient), stack.tableName, items);
  if (Date.now() > t0) throw new Error('seeding took longer than the margin; lower BENCH_LATENCY_JOBS');

  const flippedAt = new Map<string, number>();
  const repository = services.jobRepository;
  const save = repository.saveState.bind(repository);
  repository.saveState = async (state: JobState, basedOn: Pick<JobState, 'version' | 'status'>) => {
    await save(state, basedOn);
    if (state.status === 'missing' && !flippedAt.has(state.id)) flippedAt.set(state.id, Date.now());
  };

  await sleep(t0 - Date.now());
  const mark = stack.meter.calls.length;
  const invocations: { startedAt: number; billedMs: number; sweeps: number }[] = [];
  const invoke = async () => {
    const startedAt = Date.now();
    const { sweeps } = await services.checker.runInvocation(Date.now, (ms) => sleep(ms), MINUTE, 10_000);
    invocations.push({ startedAt: startedAt - t0, billedMs: Date.now() - startedAt, sweeps });
  };
  const first = invoke();
  await sleep(t0 + MINUTE - Date.now());
  await Promise.all([first, invoke()]);

  const flipLatency: number[] = [];
  for (const [id, deadline] of deadlines) {
    const at = flippedAt.get(id);
    if (at !== undefined) flipLatency.push(at - deadline);
  }
  const checkerCalls = stack.meter.summarize(mark);
  const alertLatency = stack.bus.messages.map((m) => m.at - deadlines.get(m.message.notice.jobId)!);
  stack.close();
  return {
    jobs: count,
    deadlinesPerSecond: round(count / 60, 1),
    flipped: flipLatency.length,
    notFlipped: count - flipLatency.length,
    flippedEarly: flipLatency.filter((ms) => ms < 0).length,
    deadlineToFlipMs: describe(flipLatency),
    deadlineToAlertOnBusMs: describe(alertLatency),
    invocations,
    checkerCallsByCommand: checkerCalls.callsByCommand,
  };
}

export async function runLatency(endpoint: string) {
  const random = mulberry32(11);
  const counts = (process.env.BENCH_LATENCY_JOBS ?? '600,3000').split(',').map(Number);
  const runs = [];
  for (const count of counts) {
    console.log(`  ${count} jobs, deadlines across one minute (real clock, ~2 min)…`);
    runs.push(await once(endpoint, count, random));
  }
  return { clock: 'real (Date.now, real sleeps)', runs };
}
