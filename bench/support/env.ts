import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../shared/app/logger';
import os from 'node:os';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable, localDynamoClient } from '../../sandbox/local-store';
import type { AlertBus, AlertMessage } from '../../shared/app/alert-bus';
import { createServices, type Services } from '../../shared/wiring/services';
import { readSettings } from '../../shared/config';
import { createDocumentClient } from '../../shared/storage/document-client';
import { CapacityMeter } from './capacity';

export { freePort, startDynamoLocal, type RunningDynamoLocal as DynamoLocal } from '../../sandbox/local-store';
export { silentLogger };

export class CountingBus implements AlertBus {
  readonly messages: { at: number; message: AlertMessage }[] = [];
  async publish(message: AlertMessage): Promise<void> {
    this.messages.push({ at: Date.now(), message });
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
): Promise<BenchStack> {
  const tableName = `bench-${randomUUID()}`;
  const client = localDynamoClient(endpoint);
  const seedClient = localDynamoClient(endpoint);
  await ensureTable(seedClient, tableName);
  const meter = new CapacityMeter().attach(client);
  const documents = createDocumentClient(client);
  const settings = readSettings({ TABLE_NAME: tableName, ...settingsOverrides });
  const bus = new CountingBus();
  const services = createServices({
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
