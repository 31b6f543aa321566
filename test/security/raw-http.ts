import net from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly text: string;
}

/**
 * Sends bytes exactly as given (bad UTF-8, odd methods, CR/LF in places a well-behaved client
 * would refuse) and reads the response until the server closes (`Connection: close`).
 */
export function rawRequest(port: number, request: Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('no response in time')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no HTTP response: ${JSON.stringify(all.toString('latin1'))}`));
      const [statusLine = '', ...lines] = all.subarray(0, split).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = all.subarray(split + 4);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, text: body.toString('utf8') });
    });
    socket.write(request);
  });
}

export function buildRequest(options: {
  method: string;
  target: string;
  headers: readonly (readonly [string, string])[];
  body?: Buffer;
}): Buffer {
  const head = [
    `${options.method} ${options.target} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: close',
    ...options.headers.map(([name, value]) => `${name}: ${value}`),
    ...(options.body ? [`Content-Length: ${options.body.length}`] : []),
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), options.body ?? Buffer.alloc(0)]);
}
