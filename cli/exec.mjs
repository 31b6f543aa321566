// @ts-check
/* global process, setTimeout, clearTimeout, Buffer, URL */
/**
 * `cronsentry exec`: run a command and report it to CronSentry (or any Healthchecks server).
 *
 * Plain JavaScript on purpose: it sits in front of every crontab line, so it loads nothing but
 * Node's own modules (no tsx, no server code) and starts about as fast as `node` itself.
 *
 * What it promises: the command runs and its output streams through unchanged; it exits with the
 * command's own status whatever happens to the pings (128 + n for a death by signal n); signals
 * sent to it reach the command.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';

export const EXEC_USAGE = `cronsentry exec — run a command and report its run to CronSentry or Healthchecks

Usage:
  cronsentry exec --job <uuid> [options] -- <command> [args...]
  cronsentry exec --slug <slug> --ping-key <key> [--create] [options] -- <command> [args...]

Options:
  --url <base>        where pings go (env CRONSENTRY_URL): a CronSentry URL such as
                      https://cron.example.com (pings go to its /ping), or any Healthchecks
                      ping endpoint such as https://hc-ping.com or https://hc.example.com/ping
  --ping-key <key>    the project's ping key, for --slug (env CRONSENTRY_PING_KEY)
  --create            create the job from its slug if it does not exist yet
  --timeout <s>       seconds per ping request (default 5)
  --retries <n>       retries of a ping after a network error, 408, 429 or 5xx (default 2)
  -h, --help          this help

It sends a start signal (with a fresh run id), runs the command with its output streamed through,
then sends the exit status with the last Ping-Body-Limit bytes of the output. It always exits
with the command's own status, even when the server cannot be reached.
`;

/** runitor's bound for a server-announced body limit; also the most output kept in memory. */
const MAX_BODY_BYTES = 10_000_000;
/** Healthchecks' default when a server does not say (runitor uses the same). */
const DEFAULT_BODY_LIMIT = 10_000;
/** How long output may still arrive after the command exited (see runCommand). */
const OUTPUT_GRACE_MS = 1000;
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const FORWARDED_SIGNALS = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2']);
const USER_AGENT = `cronsentry-exec/0.1 (node ${process.versions.node}; ${process.platform}-${process.arch})`;

/**
 * The ping routes exec calls, typed from the OpenAPI document (contract/api-types.ts, which
 * `npm run contract` generates; tsc checks this file): `POST /ping/{id}/{signal}` (--job) and
 * `POST /ping/{ping_key}/{slug}/{signal}` (--slug). Types only: nothing more is loaded at run time.
 * @typedef {import('../contract/api-types').operations['postPingIdOrPingKeySignalOrSlug']} PingById
 * @typedef {import('../contract/api-types').operations['postPingPingKeySlugSignal']} PingBySlug
 * @typedef {NonNullable<PingById['parameters']['query']> & NonNullable<PingBySlug['parameters']['query']>} PingQuery
 * @typedef {keyof PingById['responses'] & keyof PingBySlug['responses']} PingStatus
 */

/** The answers that mean the ping was recorded (201: `--create` made the job). */
const RECORDED = /** @satisfies {Record<string, PingStatus>} */ ({ ok: 200, created: 201 });

/**
 * @typedef {{ base: string, handle: string, create: boolean, timeoutMs: number, retries: number, backoffMs: number }} PingTarget
 * @typedef {{ stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, warn: (line: string) => void }} ExecIo
 */

/** @type {ExecIo} */
const processIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  warn: (line) => process.stderr.write(`cronsentry exec: ${line}\n`),
};

/**
 * Runs `cronsentry exec …` (argv without the word `exec`); resolves to the exit status to use.
 * @param {readonly string[]} argv
 * @param {Record<string, string | undefined>} env
 * @param {ExecIo} [io]
 * @returns {Promise<number>}
 */
export async function runExec(argv, env, io = processIo) {
  const parsed = parseExecArgs(argv, env);
  if ('help' in parsed) {
    io.stdout.write(EXEC_USAGE);
    return 0;
  }
  if ('error' in parsed) {
    io.stderr.write(`cronsentry exec: ${parsed.error}\n\n${EXEC_USAGE}`);
    return 2;
  }
  const { target, command } = parsed;
  const rid = randomUUID();
  // The command starts at once; the start signal goes out beside it, so a slow or absent server
  // never delays the job. Its answer (the body limit) is only needed when the command ends.
  const started = ping(target, 'start', rid, Buffer.alloc(0), io);
  const output = new TailBuffer(MAX_BODY_BYTES);
  const status = await runCommand(command, output, io);
  const limit = Math.min((await started) ?? DEFAULT_BODY_LIMIT, MAX_BODY_BYTES);
  await ping(target, String(status), rid, output.tail(limit), io);
  return status;
}

/**
 * @param {readonly string[]} argv
 * @param {Record<string, string | undefined>} env
 * @returns {{ help: true } | { error: string } | { target: PingTarget, command: string[] }}
 */
export function parseExecArgs(argv, env) {
  /** @type {Record<string, string | boolean>} */
  const flags = {};
  const valued = new Set(['job', 'slug', 'ping-key', 'url', 'timeout', 'retries']);
  let index = 0;
  for (; index < argv.length; index += 1) {
    const token = argv[index] ?? '';
    if (token === '--') {
      index += 1;
      break;
    }
    if (!token.startsWith('-')) break;
    if (token === '-h' || token === '--help') return { help: true };
    const [name = '', inline] = token.replace(/^--/, '').split(/=(.*)/s);
    if (name === 'create') flags.create = true;
    else if (valued.has(name)) {
      const value = inline ?? argv[(index += 1)];
      if (value === undefined) return { error: `--${name} needs a value` };
      flags[name] = value;
    } else return { error: `unknown option ${token}` };
  }
  const command = argv.slice(index);
  if (command.length === 0) return { error: 'no command given (put it after --)' };
  const job = typeof flags.job === 'string' ? flags.job : undefined;
  const slug = typeof flags.slug === 'string' ? flags.slug : undefined;
  const pingKey = typeof flags['ping-key'] === 'string' ? flags['ping-key'] : env.CRONSENTRY_PING_KEY;
  if (job && slug) return { error: 'give --job or --slug, not both' };
  if (!job && !slug) return { error: 'give --job <uuid>, or --slug <slug> with a ping key' };
  if (slug && !pingKey) return { error: '--slug needs --ping-key or CRONSENTRY_PING_KEY' };
  if (flags.create && !slug) return { error: '--create works with --slug only' };
  const handle = job ?? `${pingKey}/${slug}`;
  if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)?$/.test(handle))
    return { error: 'the job id, ping key or slug has characters a URL path cannot carry' };
  const url = typeof flags.url === 'string' ? flags.url : env.CRONSENTRY_URL;
  if (!url) return { error: 'give --url or set CRONSENTRY_URL' };
  const base = pingBase(url);
  if (!base) return { error: `not an http(s) URL: ${url}` };
  const timeout = Number(flags.timeout ?? 5);
  const retries = Number(flags.retries ?? 2);
  if (!(timeout > 0 && timeout <= 300)) return { error: '--timeout must be a number of seconds from 0 to 300' };
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) return { error: '--retries must be 0 to 10' };
  return {
    target: { base, handle, create: flags.create === true, timeoutMs: timeout * 1000, retries, backoffMs: 1000 },
    command,
  };
}

/**
 * A bare CronSentry origin pings under `/ping`; any URL with a path, and hc-ping.com (whose root
 * is its ping endpoint), is taken as the ping endpoint itself.
 * @param {string} url
 * @returns {string | undefined}
 */
function pingBase(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const path = parsed.pathname.replace(/\/+$/, '');
  const root = path === '' && parsed.hostname !== 'hc-ping.com' ? '/ping' : path;
  return `${parsed.origin}${root}`;
}

/**
 * Runs the command with stdin inherited and stdout/stderr passed through as they come, keeping
 * the tail of both (in arrival order) for the report. Resolves to its exit status.
 * @param {string[]} command
 * @param {TailBuffer} output
 * @param {ExecIo} io
 * @returns {Promise<number>}
 */
function runCommand(command, output, io) {
  return new Promise((resolve) => {
    const [file = '', ...args] = command;
    const child = spawn(file, args, { stdio: ['inherit', 'pipe', 'pipe'] });
    /** @type {Partial<Record<NodeJS.Signals, () => void>>} */
    const forwarders = {};
    for (const signal of FORWARDED_SIGNALS) {
      forwarders[signal] = () => child.kill(signal);
      process.on(signal, forwarders[signal]);
    }
    const stopForwarding = () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, /** @type {() => void} */ (forwarders[signal]));
    };
    child.stdout?.on('data', (/** @type {Buffer} */ chunk) => {
      io.stdout.write(chunk);
      output.push(chunk);
    });
    child.stderr?.on('data', (/** @type {Buffer} */ chunk) => {
      io.stderr.write(chunk);
      output.push(chunk);
    });
    child.once('error', (error) => {
      // Could not start it at all: the shell's statuses (127 not found, 126 not executable).
      stopForwarding();
      const code = /** @type {NodeJS.ErrnoException} */ (error).code;
      const message = `cannot run ${file}: ${error.message}`;
      io.warn(message);
      output.push(Buffer.from(`[cronsentry exec] ${message}\n`));
      resolve(code === 'ENOENT' ? 127 : 126);
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      const status = signal ? 128 + (os.constants.signals[signal] ?? 0) : (code ?? 1);
      // The output is complete when the pipes close; a background process the command left
      // behind may hold them open, so wait a moment for the rest, not for that process.
      const done = () => resolve(status);
      const timer = setTimeout(() => {
        // Let go of the pipes, or this process would live as long as that leftover does.
        child.stdout?.destroy();
        child.stderr?.destroy();
        done();
      }, OUTPUT_GRACE_MS);
      child.once('close', () => {
        clearTimeout(timer);
        done();
      });
    });
  });
}

/**
 * One ping, retried on a network error, 408, 429 or 5xx with growing pauses (1 s, 2 s, …).
 * Never throws: a failed ping is a warning, never the command's failure. Resolves to the
 * server's Ping-Body-Limit when it sent one.
 * @param {PingTarget} target
 * @param {string} signal  `start` or an exit status
 * @param {string} rid
 * @param {Buffer} body
 * @param {ExecIo} io
 * @returns {Promise<number | undefined>}
 */
async function ping(target, signal, rid, body, io) {
  /** @type {PingQuery} */
  const query = { rid, ...(target.create ? { create: '1' } : {}) };
  const url = new URL(`${target.base}/${target.handle}/${signal}?rid=${query.rid}`);
  if (query.create) url.searchParams.set('create', query.create);
  let problem = '';
  for (let attempt = 0; attempt <= target.retries; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, attempt * target.backoffMs));
    try {
      const answer = await post(url, body, target.timeoutMs);
      if (answer.status === RECORDED.ok || answer.status === RECORDED.created) {
        const limit = Number(answer.bodyLimit);
        return Number.isInteger(limit) && limit > 0 ? limit : undefined;
      }
      problem = `HTTP ${answer.status}`;
      if (!RETRY_STATUSES.has(answer.status)) break;
    } catch (error) {
      problem = /** @type {Error} */ (error).message;
    }
  }
  io.warn(`the ${signal === 'start' ? 'start' : 'exit status'} ping failed (${problem}); the command's status stands`);
  return undefined;
}

/**
 * @param {URL} url
 * @param {Buffer} body
 * @param {number} timeoutMs
 * @returns {Promise<{ status: number, bodyLimit: string | undefined }>}
 */
function post(url, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'content-length': body.length, 'user-agent': USER_AGENT },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.once('end', () => {
          const limit = response.headers['ping-body-limit'];
          resolve({ status: response.statusCode ?? 0, bodyLimit: Array.isArray(limit) ? limit[0] : limit });
        });
        response.once('error', reject);
      },
    );
    request.once('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.once('error', reject);
    request.end(body);
  });
}

/** The last `capacity` bytes written, in order, without keeping more than about that. */
export class TailBuffer {
  /** @param {number} capacity */
  constructor(capacity) {
    this.capacity = capacity;
    /** @type {Buffer[]} */
    this.chunks = [];
    this.size = 0;
  }

  /** @param {Buffer} chunk */
  push(chunk) {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - (this.chunks[0]?.length ?? 0) >= this.capacity) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  /** @param {number} bytes */
  tail(bytes) {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - bytes));
  }
}
