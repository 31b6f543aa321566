import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** The parts of the SDK's signed HTTP request that a store's listener reads. */
interface SdkHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | readonly (string | null)[] | null>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/** The SDK's transport interface (`requestHandler` of a client), as far as this file implements it. */
export type SdkRequestHandler = NonNullable<DynamoDBClientConfig['requestHandler']>;

/**
 * The SDK's transport, replaced by a direct call: the request the SDK serialized and signed is
 * handed to the store's own HTTP request listener in this process, and its answer goes back to
 * the SDK as the response, with no socket, no HTTP parsing and no port anyone else could reach.
 * Everything above the transport (commands, marshalling, signing, retries, error mapping) and
 * everything behind the listener (dynalite's validation and storage) is what it is over TCP: the
 * same DynamoDB API, one code path. The profile that led here: loopback HTTP on both ends was
 * about a fifth of the sandbox's CPU time per ping (docs/benchmarks.md, "Sandbox").
 */
export function inProcessHandler(listener: RequestListener): SdkRequestHandler {
  return {
    handle: (request: SdkHttpRequest) =>
      new Promise((resolve, reject) => {
        const headers: IncomingHttpHeaders = {};
        for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
        const query = new URLSearchParams();
        for (const [name, value] of Object.entries(request.query ?? {})) {
          for (const one of Array.isArray(value) ? value : [value]) if (one !== null) query.append(name, one);
        }
        const search = query.size > 0 ? `?${query.toString()}` : '';
        const incoming = Object.assign(new EventEmitter(), {
          method: request.method,
          url: `${request.path}${search}`,
          headers,
        }) as unknown as IncomingMessage;
        const answer = responseTo((statusCode, answerHeaders, body) =>
          resolve({ response: { statusCode, headers: answerHeaders, body } }),
        );
        try {
          listener(incoming, answer);
        } catch (error) {
          reject(error as Error);
          return;
        }
        const body = request.body;
        if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
          reject(new Error('the in-process store handler takes string or byte bodies only'));
          return;
        }
        // The listener attaches its 'data' and 'end' handlers synchronously, as it does for a socket.
        if (body !== undefined && body !== null && body.length > 0) incoming.emit('data', asBuffer(body));
        incoming.emit('end');
      }),
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  } as SdkRequestHandler;
}

/** The part of a ServerResponse a store's listener uses: status, headers, one `end` with the body. */
function responseTo(
  done: (statusCode: number, headers: Record<string, string>, body: Uint8Array) => void,
): ServerResponse {
  const headers: Record<string, string> = {};
  const response = {
    statusCode: 200,
    headersSent: false,
    setHeader(name: string, value: number | string | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return response;
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
    writeHead(statusCode: number, more?: Record<string, number | string>) {
      response.statusCode = statusCode;
      for (const [name, value] of Object.entries(more ?? {})) response.setHeader(name, value);
      return response;
    },
    end(body?: string | Uint8Array) {
      response.headersSent = true;
      done(response.statusCode, headers, body === undefined ? new Uint8Array() : Buffer.from(body));
      return response;
    },
  };
  return response as unknown as ServerResponse;
}

/**
 * The body as a Buffer without copying. The SDK's JSON body is a Uint8Array subclass whose
 * `valueOf` turns it into a string (with a deprecation warning), which `Buffer.from(body)` would call.
 */
function asBuffer(body: string | Uint8Array): Buffer {
  return typeof body === 'string'
    ? Buffer.from(body, 'utf8')
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
