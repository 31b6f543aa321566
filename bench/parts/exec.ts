import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../support/stats';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(repositoryRoot, 'cli', 'cronsentry.mjs');
const ROUNDS = 15;
const JOB = '8b1a9953-c461-4296-a827-a5a3b8a5b9c3';

function timed(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, args, { cwd: repositoryRoot, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - t));
  });
}

/**
 * Start-up of `cronsentry exec` beside `node -e 0`, measured side by side (A, B, C, D, A, B, …;
 * medians) because the machine is shared: what matters is the cost on top of Node itself.
 * `exec -- true` includes both pings, to a local server that answers at once.
 */
export async function runExec() {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'ping-body-limit': '10000' }).end('OK'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const variants: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    'cronsentry exec --help': [CLI, 'exec', '--help'],
    'cronsentry exec -- true (2 pings)': [CLI, 'exec', '--job', JOB, '--url', url, '--', 'true'],
    'cronsentry --help (tsx, the management CLI)': [CLI, '--help'],
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  try {
    for (const args of Object.values(variants)) await timed(args); // warm the file cache
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, args] of Object.entries(variants)) samples[name]!.push(await timed(args));
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const base = percentile(samples['node -e 0']!, 50);
  return {
    rounds: ROUNDS,
    note: 'wall time of the whole process in ms, interleaved rounds on a shared 2-core machine; ratio = median / median of node -e 0',
    results: Object.entries(samples).map(([name, values]) => ({
      command: name,
      p50Ms: Math.round(percentile(values, 50)),
      p90Ms: Math.round(percentile(values, 90)),
      ratioToNode: Math.round((percentile(values, 50) / base) * 100) / 100,
    })),
  };
}
