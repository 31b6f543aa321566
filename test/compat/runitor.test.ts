import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRequest, rawRequest } from '../security/raw-http';
import { useSandbox } from './support';

/**
 * runitor (bdd/runitor, internal/api.go and cmd/runitor/main.go) replayed byte for byte: every
 * ping is a POST with `Content-Type: text/plain` and runitor's own User-Agent; the start ping
 * carries `?rid=` (and `create=1` with -create, url.Values sorts the keys), its answer's
 * `Ping-Body-Limit` sizes the ring buffer for the output; the finish is the bare handle on
 * success or `/<exit code>` otherwise, with the output (and runitor's notes) as the body. Only
 * 200 and 201 count as success for runitor.
 */
const USER_AGENT = 'runitor/v1.4.1 (linux-amd64; +https://bdd.fi/x/runitor)';

describe('runitor works unchanged against /ping', () => {
  const sandbox = useSandbox();
  let port = 0;
  let pingKey = '';

  /** What Go's net/http sends for `c.Post(url, "text/plain", body)` with runitor's headers. */
  const goPost = (target: string, body?: string) =>
    rawRequest(
      port,
      buildRequest({
        method: 'POST',
        target,
        headers: [
          ['User-Agent', USER_AGENT],
          ...(body === undefined ? [['Content-Length', '0'] as const] : []),
          ['Content-Type', 'text/plain'],
          ['Accept-Encoding', 'gzip'],
        ],
        ...(body === undefined ? {} : { body: Buffer.from(body) }),
      }),
    );

  beforeAll(async () => {
    port = Number(new URL(sandbox.url).port);
    pingKey = ((await sandbox.api('POST', '/api/project/ping-key')).json.ping_key as string) ?? '';
    await sandbox.api('PATCH', '/api/project', { create_on_ping: true });
  });

  it('-uuid: start, then success with the output; the job shows the run and its body', async () => {
    const job = (await sandbox.api('POST', '/api/jobs', { name: 'runitor uuid', schedule: '@daily', grace_time: 60 }))
      .json as { id: string };
    const rid = randomUUID();
    const start = await goPost(`/ping/${job.id}/start?rid=${rid}`);
    expect(start.status).toBe(200);
    const limit = Number(start.headers['ping-body-limit']);
    expect(limit).toBeGreaterThan(0);
    // runitor keeps the last `limit` bytes and says so when it had to cut.
    const output = 'y'.repeat(limit + 500);
    const body = output.slice(-limit) + `\n[runitor] Output truncated to last ${limit} bytes.`;
    const finish = await goPost(`/ping/${job.id}?rid=${rid}`, body);
    expect([finish.status, finish.text]).toEqual([200, 'OK']);

    const pings = (await sandbox.api('GET', `/api/jobs/${job.id}/pings`)).json.pings as Record<string, unknown>[];
    expect(pings.map((ping) => [ping.kind, ping.run_id, ping.method, ping.user_agent])).toEqual([
      ['success', rid, 'POST', USER_AGENT],
      ['start', rid, 'POST', USER_AGENT],
    ]);
    expect(pings[0]!.duration_ms).not.toBeNull();
    expect((await sandbox.api('GET', `/api/jobs/${job.id}`)).json.status).toBe('healthy');
  });

  it('-ping-key -slug -create: 201 on the start that made the check, then 200; a non-zero exit code fails it', async () => {
    const slug = `runitor-${randomUUID().slice(0, 8)}`;
    const rid = randomUUID();
    const start = await goPost(`/ping/${pingKey}/${slug}/start?create=1&rid=${rid}`);
    expect([start.status, start.text]).toEqual([201, 'Created']);
    expect(start.headers['ping-body-limit']).toBe('10240');
    const finish = await goPost(`/ping/${pingKey}/${slug}/3?create=1&rid=${rid}`, 'boom\n[runitor] exit status 3');
    expect([finish.status, finish.text]).toEqual([200, 'OK']);

    const jobs = (await sandbox.api('GET', '/api/jobs?limit=200')).json.jobs as { id: string; name: string }[];
    const job = jobs.find((candidate) => candidate.name === slug)!;
    const state = (await sandbox.api('GET', `/api/jobs/${job.id}`)).json;
    expect(state).toMatchObject({ status: 'failed', last_exit_code: 3, run_in_progress: false });
  });
});
