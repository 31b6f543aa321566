import type { AlertBus, AlertMessage } from '../../shared/app/alert-bus';
import { silentLogger } from '../../shared/app/logger';
import type { Principal } from '../../shared/app/access';
import type { PingInput } from '../../shared/app/ping-service';
import { createServices } from '../../shared/wiring/services';
import { readSettings } from '../../shared/config';
import { recordHandlerCalls } from './aws-calls';
import { freshTable, type StoreName } from './stores';

/** An alert bus that remembers what it was given (the notifier's side is tested on its own). */
export class RecordingBus implements AlertBus {
  readonly messages: AlertMessage[] = [];
  failNext = 0;
  async publish(message: AlertMessage): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('bus unavailable');
    }
    this.messages.push(message);
  }
}

export { silentLogger };

/** Real services over a fresh table in the given store, with a project and keys of both roles. */
export async function servicesFor(store: StoreName, env: Record<string, string> = {}) {
  const { client, documents, tableName } = await freshTable(store);
  recordHandlerCalls(client, tableName);
  const settings = readSettings({ TABLE_NAME: tableName, CRONSENTRY_MIN_SECONDS: '60', ...env });
  const bus = new RecordingBus();
  const services = createServices({
    documents,
    settings,
    bus,
    logger: silentLogger,
    publicUrl: 'https://cronsentry.example',
    // Channel tests deliver to receivers on 127.0.0.1, which only tests may reach.
    alerts: { destinations: { allowLoopback: true } },
  });
  const now = Date.UTC(2026, 0, 1);
  const project = await services.access.createProject('Project A', now);
  const writer = await services.access.createKey({ projectId: project.id, role: 'read-write', name: 'rw' }, now);
  const reader = await services.access.createKey({ projectId: project.id, role: 'read-only', name: 'ro' }, now);
  const principal: Principal = { projectId: project.id, keyId: writer.record.id, role: 'read-write' };
  return {
    client,
    documents,
    tableName,
    settings,
    bus,
    services,
    project,
    principal,
    writerKey: writer.secret,
    readerKey: reader.secret,
  };
}

/** A plain success ping as `curl` sends it, for tests that only need "the job ran". */
export function successPing(jobId: string): PingInput {
  return { jobId, kind: 'success', method: 'GET', sourceIp: '127.0.0.1', userAgent: 'curl/8', body: '' };
}
