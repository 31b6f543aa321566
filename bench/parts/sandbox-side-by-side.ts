import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load as loadAverage } from '../support/env';
import { percentile } from '../support/stats';
import { createJobs, load, startSandbox } from './sandbox';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Run = Awaited<ReturnType<typeof load>>;

interface Checkout {
  readonly root: string;
  readonly label: string;
  remove(): Promise<void>;
}

/**
 * The baseline to compare with: an existing checkout (a directory), or a commit of this
 * repository checked out now with `git worktree` (removed at the end). A fresh worktree borrows
 * this checkout's node_modules and dashboard build, so the baseline starts without installing or
 * building anything (neither touches the ping path).
 */
export async function baselineCheckout(given: string): Promise<Checkout> {
  if (existsSync(given) && statSync(given).isDirectory()) {
    const root = path.resolve(given);
    return { root, label: root, remove: async () => undefined };
  }
  const commit = execFileSync('git', ['rev-parse', '--short', `${given}^{commit}`], { cwd: repositoryRoot })
    .toString()
    .trim();
  const root = await mkdtemp(path.join(tmpdir(), `cronsentry-baseline-${commit}-`));
  execFileSync('git', ['worktree', 'add', '--detach', '--force', root, commit], {
    cwd: repositoryRoot,
    stdio: 'ignore',
  });
  await symlink(path.join(repositoryRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const dashboardBuild = path.join(repositoryRoot, 'dashboard', 'dist');
  if (existsSync(dashboardBuild)) await cp(dashboardBuild, path.join(root, 'dashboard', 'dist'), { recursive: true });
  return {
    root,
    label: `${given} (${commit}, git worktree)`,
    remove: async () => {
      execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: repositoryRoot, stdio: 'ignore' });
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** One measured run: a fresh sandbox from `root`, its jobs, a warm-up, then the timed load. */
async function oneRun(root: string, jobs: number, seconds: number, connections: number): Promise<Run> {
  const sandbox = await startSandbox(root);
  try {
    const ids = await createJobs(sandbox, jobs);
    await load(sandbox.url, ids, 3, connections);
    return await load(sandbox.url, ids, seconds, connections, sandbox.pid);
  } finally {
    await sandbox.stop();
  }
}

function medians(runs: readonly Run[]) {
  return {
    pingsPerSecond: percentile(
      runs.map((run) => run.pingsPerSecond),
      50,
    ),
    p50Ms: percentile(
      runs.map((run) => run.latencyMs.p50),
      50,
    ),
    p99Ms: percentile(
      runs.map((run) => run.latencyMs.p99),
      50,
    ),
    cpuMsPerPing: percentile(
      runs.map((run) => run.cpuMsPerPing ?? NaN),
      50,
    ),
    errors: runs.reduce((sum, run) => sum + run.errors + run.non2xx, 0),
  };
}

const ratio = (after: number, before: number) => Math.round((after / before) * 100) / 100;

/**
 * This checkout (B) beside a baseline (A), alternating A, B, A, B …: each run is a fresh sandbox
 * process with fresh data, so neither side inherits the other's warm caches or the ping-rate
 * gate's state, and the neighbours' load falls on both sides alike. Medians per side and their
 * ratios are the figures; absolute numbers drift with the machine's load, recorded per run.
 */
export async function runSandboxSideBySide(baseline: string) {
  const seconds = Number(process.env.BENCH_SANDBOX_SECONDS ?? 10);
  const connections = Number(process.env.BENCH_SANDBOX_CONNECTIONS ?? 10);
  const pairs = Number(process.env.BENCH_SANDBOX_RUNS ?? 3);
  const jobs = Number(process.env.BENCH_SANDBOX_JOBS ?? 100);
  const checkout = await baselineCheckout(baseline);
  const before: Run[] = [];
  const after: Run[] = [];
  const loadPerRun: { side: 'A' | 'B'; loadAverage: number[] }[] = [];
  try {
    for (let pair = 0; pair < pairs; pair += 1) {
      for (const side of ['A', 'B'] as const) {
        loadPerRun.push({ side, loadAverage: loadAverage() });
        const run = await oneRun(side === 'A' ? checkout.root : repositoryRoot, jobs, seconds, connections);
        (side === 'A' ? before : after).push(run);
        console.log(
          `  pair ${pair + 1} ${side}: ${run.pingsPerSecond} pings/s, p99 ${run.latencyMs.p99} ms, ${run.cpuMsPerPing} CPU ms/ping (load ${loadPerRun.at(-1)!.loadAverage[0]})`,
        );
      }
    }
  } finally {
    await checkout.remove();
  }
  const a = medians(before);
  const b = medians(after);
  return {
    command: `BENCH_SANDBOX_BASELINE=${baseline} npm run bench -- sandbox`,
    baseline: checkout.label,
    connections,
    jobs,
    secondsPerRun: seconds,
    pairs,
    order: 'A, B, A, B …; every run a fresh sandbox process, fresh data, its jobs created, 3 s warm-up',
    medians: { baseline: a, candidate: b },
    ratios: {
      pingsPerSecond: ratio(b.pingsPerSecond, a.pingsPerSecond),
      p99: ratio(b.p99Ms, a.p99Ms),
      cpuPerPing: ratio(b.cpuMsPerPing, a.cpuMsPerPing),
    },
    runs: { baseline: before, candidate: after },
    loadPerRun,
  };
}
