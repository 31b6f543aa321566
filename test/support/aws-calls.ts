import fs from 'node:fs';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REPOSITORY_ROOT } from '../../infra/paths';
import { functionNow, jsonLinesSink, recordAwsCalls, type AwsCall } from '../../shared/adapters/aws-call-recorder';

/**
 * Every AWS call the suite's functions make lands here, one JSON line per call, for
 * test/infra/iam.test.ts, which runs after every other test file (vitest.config.ts) and checks
 * each call against the function's role in the synthesized template. The global setup empties it.
 */
export const AWS_CALLS_DIR = path.join(REPOSITORY_ROOT, 'test-results', 'aws-calls');
/** The account in recorded ARNs; test/infra/iam.test.ts resolves the template with the same one. */
export const TEST_ACCOUNT = '123456789012';

/** A file of the recording for one source (a worker, a bundled function, the sandbox process). */
export function awsCallLog(source: string): string {
  fs.mkdirSync(AWS_CALLS_DIR, { recursive: true });
  return path.join(AWS_CALLS_DIR, `${source}.jsonl`);
}

let workerSink: ((call: AwsCall) => void) | undefined;

/**
 * Records the calls made on `client` by the handlers this test process runs, each credited to the
 * function whose handler runs it (`asFunction`); calls from test set-up are not recorded.
 */
export function recordHandlerCalls(client: DynamoDBClient, tableName: string): void {
  workerSink ??= jsonLinesSink(awsCallLog(`worker-${process.pid}`));
  recordAwsCalls(client, { functionOf: functionNow, sink: workerSink, account: TEST_ACCOUNT, tableName });
}

export function clearRecordedCalls(): void {
  fs.rmSync(AWS_CALLS_DIR, { recursive: true, force: true });
}

export function readRecordedCalls(): AwsCall[] {
  if (!fs.existsSync(AWS_CALLS_DIR)) return [];
  return fs
    .readdirSync(AWS_CALLS_DIR)
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) => fs.readFileSync(path.join(AWS_CALLS_DIR, file), 'utf8').split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AwsCall);
}

export { asFunction, type FunctionName } from '../../shared/adapters/aws-call-recorder';
