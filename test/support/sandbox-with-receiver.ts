import { afterAll, beforeAll } from 'vitest';
import { startReceiver, type Receiver } from '../alerts/support/receiver';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';

/** An answer of the sandbox's JSON API: the status and the parsed body (`{}` when empty). */
export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * For one describe block: a real sandbox process (`startSandboxProcess`, with `env` added) and a
 * webhook receiver, started before its tests and stopped after them, with the sandbox's API called
 * with its read-write key (or another) and a webhook channel to the receiver.
 */
export function sandboxWithReceiver(env: Record<string, string> = {}) {
  let sandbox: SandboxProcess | undefined;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await startSandboxProcess(env);
  }, 90_000);
  afterAll(async () => {
    await sandbox?.stop();
    await receiver?.close();
  });

  const started = () => {
    if (!sandbox || !receiver) throw new Error('the sandbox is started in beforeAll');
    return { sandbox, receiver };
  };
  const api = async (method: string, path: string, body?: unknown, key?: string): Promise<ApiAnswer> => {
    const { sandbox } = started();
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key ?? sandbox.apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  /** Creates a webhook channel that posts to the receiver; returns its id. */
  const webhookChannel = async (name: string, path = '/cronsentry'): Promise<string> => {
    const channel = await api('POST', '/api/channels', {
      kind: 'webhook',
      name,
      settings: { url: `${started().receiver.url}${path}` },
    });
    if (channel.status !== 201) throw new Error(`channel not created: ${JSON.stringify(channel.body)}`);
    return String(channel.body.id);
  };
  return {
    get sandbox() {
      return started().sandbox;
    },
    get receiver() {
      return started().receiver;
    },
    api,
    webhookChannel,
  };
}
