import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESClient } from '@aws-sdk/client-ses';
import type { SNSClient } from '@aws-sdk/client-sns';

/** The Lambda functions; every AWS call is made on behalf of one of them. */
export const FUNCTION_NAMES = ['ping', 'api', 'badge', 'checker', 'notifier', 'events'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * One AWS call as IAM sees it: the IAM action (`dynamodb:Query`) and the ARN IAM authorizes it
 * against (`…:table/T/index/due`). `stackResource` says which resource of the stack the ARN stands
 * for where it is one (the table, the alerts or operator topic), because local names differ from deployed ones.
 */
export interface AwsCall {
  readonly function: FunctionName;
  readonly action: string;
  readonly resource: string;
  readonly stackResource?: 'table' | 'alerts-topic' | 'operator-topic';
}

export interface RecorderOptions {
  /** Which function the current call is made for; calls outside any function are not recorded. */
  readonly functionOf: () => FunctionName | undefined;
  readonly sink: (call: AwsCall) => void;
  /** Account in the DynamoDB and SES ARNs (the SDK does not know it without asking STS). */
  readonly account: string;
  /** The stack's own table and topics as this process names them. */
  readonly tableName?: string;
  readonly alertsTopicArn?: string;
  readonly operatorTopicArn?: string;
}

/** The SDK clients CronSentry makes. */
export type RecordableClient = DynamoDBClient | SNSClient | SESClient;

/** The one shape of the clients' middleware stacks this file uses. */
interface InitializeStack {
  add(
    middleware: (
      next: (args: { input: unknown }) => Promise<unknown>,
      context: { clientName?: string; commandName?: string },
    ) => (args: { input: unknown }) => Promise<unknown>,
    options: { step: 'initialize' },
  ): void;
}

/** IAM's service prefix of each SDK client CronSentry uses. */
const SERVICE_PREFIX: Record<string, string> = { DynamoDBClient: 'dynamodb', SNSClient: 'sns', SESClient: 'ses' };

/**
 * Operations IAM authorizes under another action's name. SNS PublishBatch needs `sns:Publish`
 * ("grants permission to both publish and publish batch", SNS API permissions reference); there is
 * no `sns:PublishBatch` action a policy could grant.
 */
const IAM_ACTION_OF: Readonly<Record<string, string>> = { 'sns:PublishBatch': 'sns:Publish' };

/**
 * Adds a middleware to an SDK v3 client that records, before the request is sent, each call's
 * IAM action and resource ARN. It reads only the command's name and its table, topic or sender,
 * never item data or message bodies, and it never changes the request.
 */
export function recordAwsCalls(client: RecordableClient, options: RecorderOptions): void {
  (client.middlewareStack as unknown as InitializeStack).add(
    (next, context) => async (args) => {
      const fn = options.functionOf();
      const service = SERVICE_PREFIX[context.clientName ?? ''];
      if (fn && service && context.commandName) {
        const region = await client.config.region();
        const operation = `${service}:${context.commandName.replace(/Command$/, '')}`;
        const action = IAM_ACTION_OF[operation] ?? operation;
        for (const target of resourcesOf(service, args.input as CommandInput, region, options)) {
          options.sink({ function: fn, action, ...target });
        }
      }
      return next(args);
    },
    // No name: a middleware name must be unique per client, and a test may add a second recorder.
    { step: 'initialize' },
  );
}

interface CommandInput {
  readonly TableName?: string;
  readonly IndexName?: string;
  readonly RequestItems?: Record<string, unknown>;
  readonly TopicArn?: string;
  readonly TargetArn?: string;
  readonly Source?: string;
}

function resourcesOf(
  service: string,
  input: CommandInput,
  region: string,
  options: RecorderOptions,
): { resource: string; stackResource?: AwsCall['stackResource'] }[] {
  if (service === 'dynamodb') {
    // Batch calls name their tables in RequestItems; IAM authorizes the call once per table.
    const tables = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
    return tables.map((table) => ({
      resource: `arn:aws:dynamodb:${region}:${options.account}:table/${table}${input.IndexName ? `/index/${input.IndexName}` : ''}`,
      ...(table === options.tableName ? { stackResource: 'table' as const } : {}),
    }));
  }
  if (service === 'sns') {
    const topic = input.TopicArn ?? input.TargetArn ?? '';
    const stackResource =
      topic === options.alertsTopicArn
        ? ('alerts-topic' as const)
        : topic === options.operatorTopicArn
          ? ('operator-topic' as const)
          : undefined;
    return [{ resource: topic, ...(stackResource ? { stackResource } : {}) }];
  }
  // SES authorizes a send against the sender's identity.
  return [{ resource: `arn:aws:ses:${region}:${options.account}:identity/${input.Source ?? ''}` }];
}

/**
 * Which function the code running now works for, where several share one process (the sandbox,
 * in-process handler tests): each host runs a handler inside `asFunction`.
 */
const currentFunction = new AsyncLocalStorage<FunctionName>();

export function asFunction<T>(name: FunctionName, run: () => T): T {
  return currentFunction.run(name, run);
}

export function functionNow(): FunctionName | undefined {
  return currentFunction.getStore();
}

/** A sink that appends each call to a JSON-lines file (one small synchronous write per call). */
export function jsonLinesSink(file: string): (call: AwsCall) => void {
  return (call) => {
    const line = `${JSON.stringify(call)}\n`;
    try {
      appendFileSync(file, line);
    } catch {
      // The folder went away (a new test run cleared it): make it again rather than fail the call.
      mkdirSync(path.dirname(file), { recursive: true });
      appendFileSync(file, line);
    }
  };
}
