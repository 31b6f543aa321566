process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import type { TestProject } from 'vitest/node';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDashboardBuilt } from '../../sandbox/dashboard-build';
import { startDynalite, startDynamoLocal } from '../../sandbox/local-store';
import { clearRecordedCalls } from './aws-calls';

declare module 'vitest' {
  export interface ProvidedContext {
    /** AWS's official DynamoDB Local (Java), in memory, shared by all test files. */
    dynamoLocalEndpoint: string;
    /** dynalite, in memory, shared by all test files. */
    dynaliteEndpoint: string;
  }
}

/** Starts both local stores once for the whole run; every test file gets their endpoints. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Build the dashboard once, before any test starts sandbox processes that would each build it.
  // A fresh recording of AWS calls for test/infra/iam.test.ts, which runs after every other file.
  clearRecordedCalls();
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  await ensureDashboardBuilt(path.join(root, 'dashboard'), () => {});
  const [dynamoLocal, dynaliteServer] = await Promise.all([startDynamoLocal(), startDynalite()]);
  project.provide('dynamoLocalEndpoint', dynamoLocal.endpoint);
  project.provide('dynaliteEndpoint', dynaliteServer.endpoint);
  return async () => {
    await dynamoLocal.stop();
    await dynaliteServer.close();
  };
}
