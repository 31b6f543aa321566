import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../shared/app/logger';
import os from 'node:os';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable, localDynamoClient } from '../../sandbox/local-store';
import type { AlertBus, AlertMessage, PublishOutcome } from '../../shared/app/alert-bus';
import { createServices, type Services } from '../../shared/wiring/services';
import { readSettings } from '../../shared/config';
import { createDocumentClient } from '../../shared/storage/document-client';
import { CapacityMeter } from './capacity';

export { freePort, startDynamoLocal, type RunningDynamoLocal as DynamoLocal } from '../../sandbox/local-store';
export { silentLogger };

export class CountingBus implements AlertBus {
  readonly messages: { at: number; message: AlertMessage }[] = [];
  /** Requests the bus would have made: one per `publish`, one per 10 messages of `publishMany` (SNS PublishBatch). */
  requests = 0;
  async publish(message: AlertMessage): Promise<void> {
    this.requests += 1;
    this.messages.push({ at: Date.now(), message });
  }
  async publishMany(messages: readonly AlertMessage[]): Promise<PublishOutcome[]> {
    this.requests += Math.ceil(messages.length / 10);
    const at = Date.now();
    for (const message of messages) this.messages.push({ at, message });
    return messages.map(() => ({ ok: true }));
  }
}

export interface BenchStack {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** A second client with no meter, for seeding. */
  readonly seedClient: DynamoDBClient;
  readonly meter: CapacityMeter;
  readonly services: Services;
  readonly bus: CountingBus;
  close(): void;
}

/** A fresh table in the given store and the real services over it, every call metered. */
export async function benchStack(
  endpoint: string,
  settingsOverrides: Record<string, string> = {},
  /** The services to measure: this checkout's, or a baseline checkout's (`BENCH_SWEEP_BASELINE`). */
  wire: typeof createServices = createServices,
): Promise<BenchStack> {
  const tableName = `bench-${randomUUID()}`;
  const client = localDynamoClient(endpoint);
  const seedClient = localDynamoClient(endpoint);
  await ensureTable(seedClient, tableName);
  const meter = new CapacityMeter().attach(client);
  const documents = createDocumentClient(client);
  const settings = readSettings({ TABLE_NAME: tableName, ...settingsOverrides });
  const bus = new CountingBus();
  const services = wire({
    documents,
    settings,
    logger: silentLogger,
    bus,
    publicUrl: 'http://127.0.0.1:8080',
    // BENCH_CHECKER_CONCURRENCY: jobs one sweep evaluates at once (the checker's default when unset).
    ...(process.env.BENCH_CHECKER_CONCURRENCY
      ? { checker: { concurrency: Number(process.env.BENCH_CHECKER_CONCURRENCY) } }
      : {}),
  });
  return {
    tableName,
    client,
    seedClient,
    meter,
    services,
    bus,
    close: () => {
      client.destroy();
      seedClient.destroy();
    },
  };
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function load(): number[] {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}
