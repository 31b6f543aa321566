import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** What the receiver answers: a status (and headers), or `hang` to never answer. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * A fake of a vendor's API: answers a request as the vendor documents it, refusing (4xx, the
 * vendor's error body) what the vendor would refuse: wrong path, auth header or body.
 */
export type VendorApi = (request: ReceivedRequest) => {
  status: number;
  headers?: Record<string, string>;
  body?: string;
};

/**
 * A local HTTP receiver for channel tests: records every request and answers from a script
 * (the last answer repeats). `waitFor(n)` resolves when n requests have arrived. With a `vendor`,
 * every request is first judged by that fake: its refusals always stand, and its success answers
 * unless a script was set with `answer()` (to play outages and rate limits).
 */
export async function startReceiver(script: Answer[] = [{ status: 200, body: 'ok' }], vendor?: VendorApi) {
  const requests: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const hanging = new Set<http.ServerResponse>();
  let answers = [...script];
  let scripted = vendor === undefined;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const verdict = vendor?.(received);
      const answer =
        verdict && (verdict.status >= 400 || !scripted) ? verdict : answers.length > 1 ? answers.shift()! : answers[0]!;
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      response.writeHead(answer.status, answer.headers ?? {});
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Replaces the script (the last answer repeats). */
    answer(next: Answer[]) {
      answers = [...next];
      scripted = true;
    },
    /** Answers every request left hanging. */
    release(status = 200) {
      for (const response of hanging) response.writeHead(status).end('ok');
      hanging.clear();
    },
    waitFor(count: number): Promise<void> {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    json<T = Record<string, unknown>>(index: number): T {
      return JSON.parse(requests[index]!.body) as T;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
