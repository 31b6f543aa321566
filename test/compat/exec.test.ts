import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSandbox } from './support';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/cronsentry.mjs');

interface Run {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** `cronsentry exec …` as a real process; `onStart` may signal it once it is running. */
function exec(args: string[], env: Record<string, string> = {}, onStart?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'exec', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (onStart && stderr.includes('READY')) onStart(child.pid!);
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout: Buffer.concat(stdout), stderr }));
  });
}

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A stand-in Healthchecks server: answers each ping with the next scripted status (then 200). */
async function fakeServer(script: number[] = [], bodyLimit = '10000') {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method!,
        url: request.url!,
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      const status = script.shift() ?? 200;
      response.writeHead(status, { 'ping-body-limit': bodyLimit, 'content-type': 'text/plain' });
      response.end(status === 200 ? 'OK' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/ping`, received, close: () => new Promise((r) => server.close(r)) };
}

describe('cronsentry exec with real child processes', () => {
  const sandbox = useSandbox();
  const job = '8b1a9953-c461-4296-a827-a5a3b8a5b9c3';

  it('against the sandbox: start with a fresh rid, output through unchanged, exit status with the output', async () => {
    const created = await sandbox.api('POST', '/api/jobs', { name: 'wrapped', schedule: '@daily', grace_time: 60 });
    const id = created.json.id as string;
    const run = await exec(['--job', id, '--', 'sh', '-c', 'echo out; echo err >&2; exit 0'], {
      CRONSENTRY_URL: sandbox.url,
    });
    expect(run.status).toBe(0);
    expect(run.stdout.toString()).toBe('out\n');
    expect(run.stderr).toBe('err\n');
    const pings = (await sandbox.api('GET', `/api/jobs/${id}/pings`)).json.pings as Record<string, unknown>[];
    expect(pings.map((ping) => ping.kind)).toEqual(['success', 'start']);
    expect(pings[0]!.run_id).toBe(pings[1]!.run_id);
    expect(pings[0]!.run_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(pings[0]!.body).toBe('out\nerr\n');
    expect(pings[0]!.user_agent).toMatch(/^cronsentry-exec\//);
    expect((await sandbox.api('GET', `/api/jobs/${id}`)).json).toMatchObject({
      status: 'healthy',
      run_in_progress: false,
    });
  });

  it('--slug --ping-key --create from the environment: the job appears, a failing command fails it', async () => {
    const pingKey = (await sandbox.api('POST', '/api/project/ping-key')).json.ping_key as string;
    await sandbox.api('PATCH', '/api/project', { create_on_ping: true });
    const slug = `exec-${randomUUID().slice(0, 8)}`;
    const run = await exec(['--slug', slug, '--create', '--', 'sh', '-c', 'echo broken; exit 3'], {
      CRONSENTRY_URL: sandbox.url,
      CRONSENTRY_PING_KEY: pingKey,
    });
    expect(run.status).toBe(3);
    const jobs = (await sandbox.api('GET', '/api/jobs?limit=200')).json.jobs as Record<string, unknown>[];
    expect(jobs.find((candidate) => candidate.name === slug)).toMatchObject({ status: 'failed', last_exit_code: 3 });
  });

  it('exits with the command’s own status when the server is down, and passes the output through', async () => {
    for (const code of [0, 1, 42, 255]) {
      const run = await exec(['--job', job, '--retries', '0', '--', 'sh', '-c', `echo hi; exit ${code}`], {
        CRONSENTRY_URL: 'http://127.0.0.1:9',
      });
      expect([run.status, run.stdout.toString()]).toEqual([code, 'hi\n']);
      expect(run.stderr).toContain('the exit status ping failed');
    }
  });

  it('a command that cannot be started is 127, reported as such', async () => {
    const server = await fakeServer();
    const run = await exec(['--job', job, '--url', server.url, '--', 'no-such-command-here']);
    expect(run.status).toBe(127);
    expect(server.received.map((request) => request.url.split('?')[0])).toEqual([
      `/ping/${job}/start`,
      `/ping/${job}/127`,
    ]);
    expect(server.received[1]!.body.toString()).toContain('cannot run no-such-command-here');
    await server.close();
  });

  it('large output streams through byte for byte; the report is its last Ping-Body-Limit bytes', async () => {
    const server = await fakeServer([], '1000');
    // 8 MiB of varied bytes, written in odd-sized pieces.
    const script = 'head -c 8388608 /dev/urandom | base64';
    const run = await exec([
      '--job',
      job,
      '--url',
      server.url,
      '--',
      'sh',
      '-c',
      `${script} | tee /dev/stderr >/dev/null; ${script}`,
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(11_000_000);
    const [start, finish] = server.received;
    expect(start!.headers['content-type']).toBe('text/plain');
    expect(finish!.url).toMatch(new RegExp(`^/ping/${job}/0\\?rid=[0-9a-f-]{36}$`));
    expect(finish!.body.length).toBe(1000);
    // The report is the tail of the combined output, and stdout ends with exactly those bytes.
    const hash = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(hash(finish!.body)).toBe(hash(run.stdout.subarray(run.stdout.length - 1000)));
    await server.close();
  });

  it('retries 503 and 429 with backoff, not 404; always sends the same rid', async () => {
    const server = await fakeServer([503, 429]);
    const run = await exec(['--job', job, '--url', server.url, '--', 'true']);
    expect(run.status).toBe(0);
    const rids = server.received.map((request) => new URL(request.url, 'http://x').searchParams.get('rid'));
    expect(server.received.map((request) => request.url.split('?')[0])).toEqual([
      `/ping/${job}/start`,
      `/ping/${job}/start`,
      `/ping/${job}/start`,
      `/ping/${job}/0`,
    ]);
    expect(new Set(rids).size).toBe(1);
    await server.close();

    const refusing = await fakeServer([404, 404]);
    const refused = await exec(['--job', job, '--url', refusing.url, '--', 'sh', '-c', 'exit 5']);
    expect(refused.status).toBe(5);
    expect(refusing.received).toHaveLength(2);
    await refusing.close();
  });

  it('forwards SIGTERM to the command; a death by signal n is 128 + n, and is reported', async () => {
    const server = await fakeServer();
    const run = await exec(
      ['--job', job, '--url', server.url, '--', 'sh', '-c', 'echo READY >&2; exec sleep 30'],
      {},
      (pid) => process.kill(pid, 'SIGTERM'),
    );
    // sleep dies by the forwarded SIGTERM (15).
    expect(run.status).toBe(143);
    expect(server.received.at(-1)!.url.split('?')[0]).toBe(`/ping/${job}/143`);
    const self = await exec(['--job', job, '--url', server.url, '--', 'sh', '-c', 'kill -USR1 $$']);
    expect(self.status).toBe(138);
    // A background process that keeps the output pipes open does not hold up the report.
    const leftBehind = await exec(['--job', job, '--url', server.url, '--', 'sh', '-c', 'sleep 20 & exit 4']);
    expect(leftBehind.status).toBe(4);
    await server.close();
  });

  it('refuses misuse before running anything (exit 2)', async () => {
    for (const args of [
      ['--', 'true'],
      ['--job', job, '--slug', 'x', '--', 'true'],
      ['--job', job, '--create', '--url', 'http://x', '--', 'true'],
      ['--job', job, '--url', 'ftp://x', '--', 'true'],
      ['--job', job, '--url', 'http://x'],
    ]) {
      const run = await exec(args);
      expect(run.status, args.join(' ')).toBe(2);
    }
  });
});

describe('cronsentry exec speaks to any Healthchecks server', () => {
  let server: Awaited<ReturnType<typeof fakeServer>>;
  beforeAll(async () => {
    server = await fakeServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('takes a URL with a path as the ping endpoint itself', async () => {
    const base = server.url.replace(/\/ping$/, '/hc/ping');
    await exec(['--slug', 'backups', '--ping-key', 'abcDEF0123456789_-abcd', '--url', base, '--', 'true']);
    expect(server.received.map((request) => request.url.split('?')[0])).toEqual([
      '/hc/ping/abcDEF0123456789_-abcd/backups/start',
      '/hc/ping/abcDEF0123456789_-abcd/backups/0',
    ]);
  });
});
