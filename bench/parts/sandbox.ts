import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../support/env';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Sandbox {
  readonly url: string;
  readonly apiKey: string;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The arguments of the checkout's own `npm start` script (`node …`), so that each side of a
 * side-by-side run starts the way its own `npm start` does, Node flags included.
 */
async function startArguments(root: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const [program, ...args] = (manifest.scripts?.start ?? '').trim().split(/\s+/);
  if (program !== 'node') throw new Error(`${root}: the start script does not run node: ${manifest.scripts?.start}`);
  return args;
}

/**
 * `npm start`'s program (its script's node arguments, run by this Node) as a child, on 127.0.0.1,
 * fresh data dir; from this checkout, or from `root` (another checkout, for a side-by-side baseline).
 */
export async function startSandbox(root = repositoryRoot): Promise<Sandbox> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cronsentry-bench-'));
  const port = await freePort();
  const apiKey = `csk_${randomBytes(32).toString('base64url')}`;
  const child: ChildProcess = spawn(process.execPath, await startArguments(root), {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      CRONSENTRY_DATA_DIR: dataDir,
      CRONSENTRY_API_KEY: apiKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start within 180 s:\n${output}`)), 180_000);
    const check = () => {
      if (/running on http/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with code ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    pid: child.pid!,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createJobs(sandbox: Sandbox, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await fetch(`${sandbox.url}/api/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `bench ${i}`, schedule: 'every 1m', grace_time: 5 }),
    });
    if (response.status !== 201)
      throw new Error(`creating a job answered ${response.status}: ${await response.text()}`);
    ids.push(((await response.json()) as { id: string }).id);
  }
  return ids;
}

/**
 * CPU seconds the process has used so far, all threads (user + system, from /proc; Linux only).
 * CPU time per ping is the figure that load from other processes disturbs least: they take
 * cores away, which lowers pings per second, but they do not make a ping cost more CPU.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = 100;

/** Autocannon's load on the ping route; with `pid`, also the sandbox's CPU time per ping. */
export async function load(url: string, ids: readonly string[], seconds: number, connections: number, pid?: number) {
  const cpuBefore = pid === undefined ? undefined : await cpuSeconds(pid);
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: `/api/ping/${ids[next++ % ids.length]}` }),
      },
    ],
  });
  const cpu = pid === undefined ? undefined : (await cpuSeconds(pid)) - cpuBefore!;
  return {
    pingsPerSecond: Math.round(result.requests.average * 10) / 10,
    ...(cpu === undefined
      ? {}
      : { cpuMsPerPing: Math.round((cpu * 1000 * 100) / Math.max(1, result.requests.total)) / 100 }),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
  };
}

/**
 * Pings per second and latency through the sandbox: autocannon, 10 connections, 10 s per run,
 * GET /api/ping/<id> cycling over 100 jobs (3 runs), then all connections on one job (1 run).
 * With `BENCH_SANDBOX_BASELINE` (a directory or a commit), this checkout beside that one instead.
 */
export async function runSandbox() {
  const baseline = process.env.BENCH_SANDBOX_BASELINE;
  if (baseline) return (await import('./sandbox-side-by-side')).runSandboxSideBySide(baseline);
  const seconds = Number(process.env.BENCH_SANDBOX_SECONDS ?? 10);
  const connections = Number(process.env.BENCH_SANDBOX_CONNECTIONS ?? 10);
  const runs = Number(process.env.BENCH_SANDBOX_RUNS ?? 3);
  const sandbox = await startSandbox();
  try {
    const ids = await createJobs(sandbox, 100);
    console.log(`  sandbox ${sandbox.url} (pid ${sandbox.pid}); warm-up 3 s…`);
    await load(sandbox.url, ids, 3, connections);
    const spread = [];
    for (let run = 0; run < runs; run += 1) {
      spread.push(await load(sandbox.url, ids, seconds, connections, sandbox.pid));
      console.log(`  run ${run + 1}: ${spread.at(-1)!.pingsPerSecond} pings/s`);
    }
    const hot = await load(sandbox.url, ids.slice(0, 1), seconds, connections, sandbox.pid);
    const warnings = sandbox
      .output()
      .split('\n')
      .filter((line) => /warn|error/i.test(line))
      .map((line) => line.slice(0, 240));
    return {
      command: `node ${(await startArguments(repositoryRoot)).join(' ')} (the npm start program) as a child process, dynalite persisted`,
      connections,
      secondsPerRun: seconds,
      spreadOver100Jobs: spread,
      oneHotJob: hot,
      sandboxWarningsOrErrors: { count: warnings.length, first: warnings.slice(0, 5) },
    };
  } finally {
    await sandbox.stop();
  }
}
