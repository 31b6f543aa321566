import { awsCallLog } from './aws-calls';
import { SANDBOX_ORIGINS } from './contract';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface SandboxProcess {
  readonly url: string;
  readonly apiKey: string;
  readonly dataDir: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Stops the process; removes a data folder it created unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Kills the process with SIGKILL (no shutdown of any kind) and waits until it is gone; keeps its data. */
  kill(): Promise<void>;
}

/**
 * Starts `npm start`'s program as a real child process on a free port with its own data folder,
 * fast sweeps and a 1-second minimum, and waits for it to print its URL and key.
 */
export async function startSandboxProcess(env: Record<string, string> = {}): Promise<SandboxProcess> {
  const dataDir = env.CRONSENTRY_DATA_DIR ?? (await mkdtemp(path.join(tmpdir(), 'cronsentry-')));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      PORT: '0',
      CRONSENTRY_DATA_DIR: dataDir,
      CRONSENTRY_SWEEP_SECONDS: '1',
      CRONSENTRY_MIN_SECONDS: '1',
      // The tests' webhook receivers listen on 127.0.0.1; only a sandbox started for tests may reach it.
      CRONSENTRY_TEST_LOOPBACK_TARGETS: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // What the sandbox's functions call in DynamoDB, for test/infra/iam.test.ts.
      CRONSENTRY_AWS_CALL_LOG: awsCallLog(`sandbox-${path.basename(dataDir)}`),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const started = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const url = /running on (http:\/\/\S+)/.exec(output)?.[1];
      const apiKey = /API key:\s+(csk_\S+)/.exec(output)?.[1];
      if (url && apiKey) {
        clearTimeout(timer);
        resolve({ url, apiKey });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with code ${code}:\n${output}`));
    });
  });

  // Its answers to this test file's `fetch` calls are checked against the OpenAPI document.
  SANDBOX_ORIGINS.add(new URL(started.url).origin);
  return {
    ...started,
    dataDir,
    output: () => output,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    stop: async (options = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!env.CRONSENTRY_DATA_DIR && !options.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
