import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';

/** Polls until `check` returns a value (the sandbox sweeps every second here), or fails after `tries`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, tries = 80): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A POST of `bytes` bytes with node:http; its status and body. */
function postRaw(url: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers: { 'content-length': String(bytes) } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(Buffer.alloc(bytes, 'x'));
  });
}

describe('the sandbox, end to end over HTTP', () => {
  let sandbox: SandboxProcess;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${sandbox.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json', ...init.headers },
    });

  beforeAll(async () => {
    sandbox = await startSandboxProcess();
  }, 90_000);
  afterAll(async () => {
    await sandbox?.stop();
    await rm(sandbox.dataDir, { recursive: true, force: true });
  });

  it('answers 413 to a body larger than a Lambda invocation carries, and stays up', async () => {
    // The host's own answer, as API Gateway's is on AWS: no route serves it, so the OpenAPI document
    // (which the fetch of every test checks against) does not list it; plain node:http here.
    const tooLarge = await postRaw(`${sandbox.url}/api/ping/00000000-0000-4000-8000-000000000000`, 6 * 1024 * 1024 + 1);
    expect(tooLarge.status).toBe(413);
    expect((JSON.parse(tooLarge.body) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const after = await fetch(`${sandbox.url}/api/ping/00000000-0000-4000-8000-000000000000`);
    expect(after.status).toBe(404);
  });

  it('prints its URL, a key and a ready-to-paste curl', () => {
    expect(sandbox.output()).toContain(`curl -s -X POST ${sandbox.url}/api/jobs`);
    expect(sandbox.apiKey).toMatch(/^csk_[A-Za-z0-9_-]{43}$/);
  });

  it('flips a job that stops pinging to missing within a sweep, and back to healthy on the next ping', async () => {
    const created = await api('/api/jobs', {
      method: 'POST',
      body: JSON.stringify({ name: 'every two seconds', schedule: 'every 2s', grace_time: '1s' }),
    });
    expect(created.status).toBe(201);
    const job = (await created.json()) as { id: string; ping_url: string };

    // The seed README's two ping commands, as written.
    const get = await fetch(`${sandbox.url}/api/ping/${job.id}`);
    expect([get.status, await get.text()]).toEqual([200, 'OK']);
    const post = await fetch(`${sandbox.url}/api/ping/${job.id}`, { method: 'POST' });
    expect([post.status, await post.text()]).toEqual([200, 'OK']);
    expect(((await (await api(`/api/jobs/${job.id}`)).json()) as { status: string }).status).toBe('healthy');

    // Stop pinging: the deadline is 3 s after the last ping, and the sandbox sweeps every second.
    // The status reads `missing` as soon as the deadline passes; the checker's flip (what alerts)
    // must follow within a sweep.
    const flipsOf = async () =>
      ((await (await api(`/api/jobs/${job.id}/flips`)).json()) as { flips: { from: string; to: string }[] }).flips.map(
        (f) => `${f.from}->${f.to}`,
      );
    expect(
      await eventually('the missing flip', async () =>
        (await flipsOf()).includes('healthy->missing') ? true : undefined,
      ),
    ).toBe(true);
    expect(((await (await api(`/api/jobs/${job.id}`)).json()) as { status: string }).status).toBe('missing');

    await fetch(job.ping_url);
    const recovered = (await (await api(`/api/jobs/${job.id}`)).json()) as { status: string };
    expect(recovered.status).toBe('healthy');
    const history = await eventually('the recovery flip', async () => {
      const flips = await flipsOf();
      return flips.length >= 3 ? flips : undefined;
    });
    expect(history).toEqual(['missing->healthy', 'healthy->missing', 'new->healthy']);
  }, 30_000);

  it('keeps jobs and the key across a restart', async () => {
    const created = await api('/api/jobs', {
      method: 'POST',
      body: JSON.stringify({ name: 'survivor', schedule: '@daily', grace_time: 15 }),
    });
    const { id } = (await created.json()) as { id: string };
    const dataDir = sandbox.dataDir;
    const key = sandbox.apiKey;
    await sandbox.stop({ keepData: true });
    sandbox = await startSandboxProcess({ CRONSENTRY_DATA_DIR: dataDir });
    expect(sandbox.apiKey).toBe(key);
    const read = await api(`/api/jobs/${id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { name: string }).name).toBe('survivor');
  }, 90_000);

  it('serves the dashboard at / with security headers', async () => {
    const page = await fetch(`${sandbox.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="app"');
  });
});
