import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { localDynamoClient, startDynalite } from '../sandbox/local-store';
import { createDocumentClient } from '../shared/storage/document-client';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Where the command works: a deployed table (IAM is the key) or the sandbox's data folder. */
export interface Target {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly describe: string;
  close(): Promise<void>;
}

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * A deployed stack's table, with the caller's own AWS credentials (the SDK's usual chain:
 * environment, profile, SSO, instance role). `endpoint` points at DynamoDB Local or dynalite.
 */
export function awsTarget(options: { table: string; region?: string; endpoint?: string }): Target {
  const client = options.endpoint
    ? localDynamoClient(options.endpoint)
    : new DynamoDBClient({ ...(options.region ? { region: options.region } : {}) });
  return {
    documents: createDocumentClient(client),
    tableName: options.table,
    describe: options.endpoint
      ? `table ${options.table} at ${options.endpoint}`
      : `table ${options.table}${options.region ? ` in ${options.region}` : ''}`,
    close: async () => client.destroy(),
  };
}

/**
 * The sandbox's data folder, opened in this process. LevelDB allows one process at a time, so a
 * running sandbox holds the folder: that is checked first and said plainly (dynalite itself would
 * only fail later, with an error nobody can read).
 */
export async function localTarget(options: { dataDir: string; table: string }): Promise<Target> {
  const dataDir = path.resolve(options.dataDir);
  const dbPath = path.join(dataDir, 'db');
  if (!existsSync(dbPath)) {
    throw new CliError(
      `no sandbox data in ${dataDir}: start the sandbox once (npm start), or point --data-dir at its folder`,
    );
  }
  await assertNotLocked(dbPath, dataDir);
  const store = await startDynalite({ path: dbPath });
  const client = localDynamoClient(store.endpoint);
  return {
    documents: createDocumentClient(client),
    tableName: options.table,
    describe: `the sandbox data in ${dataDir}`,
    close: async () => {
      client.destroy();
      await store.close();
    },
  };
}

async function assertNotLocked(dbPath: string, dataDir: string): Promise<void> {
  // `level` is dynalite's own store; resolve it from there rather than depend on it twice.
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as {
    Level: new (location: string) => { open(): Promise<void>; close(): Promise<void> };
  };
  const db = new Level(dbPath);
  try {
    await db.open();
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'LEVEL_LOCKED') {
      throw new CliError(
        `the sandbox data in ${dataDir} is in use: the sandbox is running. Stop it (Ctrl+C) and run this ` +
          'again, or, while it runs, use its API with its key (POST /api/keys).',
      );
    }
    throw error;
  } finally {
    await db.close().catch(() => undefined);
  }
}
