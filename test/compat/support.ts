import { afterAll, beforeAll } from 'vitest';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
}

export interface CompatSandbox {
  readonly url: string;
  readonly apiKey: string;
  /** A request to the sandbox; `key` sends it as `X-Api-Key` (Healthchecks' header). */
  request(
    method: string,
    path: string,
    init?: { body?: string; headers?: Record<string, string>; key?: string },
  ): Promise<Answer>;
  /** CronSentry's own API with the sandbox's read-write key. */
  api(method: string, path: string, body?: unknown): Promise<Answer>;
}

/** One real sandbox process (`npm start`'s program) per test file, spoken to over HTTP only. */
export function useSandbox(): CompatSandbox {
  let sandbox: SandboxProcess;
  beforeAll(async () => {
    sandbox = await startSandboxProcess();
  }, 90_000);
  afterAll(async () => {
    await sandbox?.stop();
  });
  const request: CompatSandbox['request'] = async (method, path, init = {}) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { ...(init.key ? { 'x-api-key': init.key } : {}), ...init.headers },
      body: init.body,
    });
    const text = method === 'HEAD' ? '' : await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: plain-text answers are checked through `text`
    }
    return { status: response.status, text, headers: response.headers, json };
  };
  return {
    get url() {
      return sandbox.url;
    },
    get apiKey() {
      return sandbox.apiKey;
    },
    request,
    api: (method, path, body) =>
      request(method, path, {
        headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}
