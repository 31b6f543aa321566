import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import document from '../../contract/openapi.json';
import { CHANNEL_KINDS } from '../../shared/alerts/registry';
import { assertContract } from '../support/contract';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { buildRequest, rawRequest, type RawResponse } from './raw-http';

/** Fuzzed requests per run; the whole file stays well under a minute on two cores. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);

/**
 * The route templates, from the OpenAPI document (which test/contract/routes.test.ts holds equal
 * to the routers): management, v3, both ping URL families and badges.
 */
function routeTemplates() {
  return Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })),
  );
}

const STACK_TRACE = /\n\s+at\s|node_modules|\.ts:\d+|\.js:\d+/;

describe('fuzzing every route of the running sandbox', () => {
  let sandbox: SandboxProcess;
  let port: number;
  let ids: string[] = [];
  let pingKey = '';
  let names: string[] = [];
  const templates = routeTemplates();

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: response.status,
      json: ((await response.json().catch(() => undefined)) ?? {}) as Record<string, unknown>,
    };
  };

  /** What a rejected request must not change: everything people configured (not run-time status). */
  async function digest(): Promise<string> {
    const [jobs, channels, keys, project] = await Promise.all([
      api('GET', '/api/jobs?limit=200'),
      api('GET', '/api/channels'),
      api('GET', '/api/keys'),
      api('GET', '/api/project'),
    ]);
    const stable = (jobs.json.jobs as Record<string, unknown>[]).map((job) => {
      const { status, status_since, last_ping_at, last_ping_kind, last_success_at, last_exit_code, ...rest } = job;
      void [status_since, last_ping_at, last_ping_kind, last_success_at, last_exit_code];
      const { last_duration_ms, next_expected_at, deadline_at, run_in_progress, ...config } = rest;
      void [last_duration_ms, next_expected_at, deadline_at, run_in_progress];
      return { ...config, paused: status === 'paused' };
    });
    const keyList = (keys.json.keys as Record<string, unknown>[]).map(({ last_used_at, ...key }) => {
      void last_used_at;
      return key;
    });
    const channelList = (channels.json.channels as Record<string, unknown>[]).map(({ last_delivery, ...channel }) => {
      void last_delivery;
      return channel;
    });
    return JSON.stringify([stable, channelList, keyList, project.json]);
  }

  beforeAll(async () => {
    sandbox = await startSandboxProcess();
    port = Number(new URL(sandbox.url).port);
    const job = await api('POST', '/api/jobs', { name: 'Fuzz target', schedule: 'every 1h', grace_time: 5 });
    const channel = await api('POST', '/api/channels', {
      kind: 'webhook',
      name: 'fuzz hook',
      settings: { url: 'https://hooks.example/fuzz' },
    });
    const spare = await api('POST', '/api/keys', { name: 'spare', role: 'read-only' });
    // The sandbox's own key is left out of the pool: revoking it would end the run early.
    ids = [job.json.id, channel.json.id, spare.json.id].map(String);
    pingKey = String((await api('GET', '/api/project')).json.ping_key);
    // What the ping-by-slug and badge routes take, so that fuzzing reaches past their 404s too.
    const badges = (await api('GET', '/api/v3/badges/')).json.badges as Record<string, { svg: string }>;
    names = [String(job.json.unique_key), 'fuzz-target', new URL(badges['*']!.svg).pathname.split('/')[2]!, '*'];
  }, 90_000);

  afterAll(async () => sandbox?.stop());

  it('answers thousands of malformed requests without a 5xx, a stack trace, an echoed header or a change from a rejected request', async () => {
    const hostile = fc.oneof(
      fc.constantFrom(
        '..',
        '../..',
        '%2e%2e',
        '..%2f..%2fetc%2fpasswd',
        '%00',
        '%ff%fe',
        '%c0%af',
        '%0d%0aX-Injected:%201',
      ),
      fc.constantFrom('null', 'undefined', '-1', '0', '1e309', 'NaN', '__proto__', 'constructor', '{id}'),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.constant('x'.repeat(5000)),
      fc.uuid().map((uuid) => uuid.toUpperCase()),
    );
    const param = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...ids, ...names, pingKey, 'start', 'fail', 'log', '0', '255', '256') },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 3, arbitrary: hostile },
    );
    const query = fc
      .array(
        fc.tuple(
          fc.constantFrom('limit', 'cursor', 'status', 'tag', 'q', 'rid', 'create', 'job_id', 'channel_id', 'x'),
          fc.oneof(hostile, fc.constantFrom('1', '-5', '99999', 'abc', 'missing', '')),
        ),
        { maxLength: 3 },
      )
      .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));
    const jsonValue = fc.oneof(
      fc.anything({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
      fc
        .record(
          {
            name: fc.oneof(fc.string(), fc.integer(), fc.constant('n'.repeat(500)), fc.constant(null)),
            description: fc.oneof(fc.string(), fc.constant('d'.repeat(3000)), fc.array(fc.string())),
            schedule: fc.oneof(fc.constantFrom('0 * * * *', 'every 1h', '* * *', '@never', '99 99 * * *'), fc.string()),
            timezone: fc.oneof(fc.constantFrom('UTC', 'Mars/Olympus', '../../etc'), fc.integer()),
            grace_time: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(-1)),
            tags: fc.oneof(fc.array(fc.string(), { maxLength: 30 }), fc.string()),
            channels: fc.array(fc.oneof(fc.uuid(), fc.string()), { maxLength: 3 }),
            role: fc.oneof(fc.constantFrom('read-write', 'read-only', 'admin'), fc.integer()),
            kind: fc.constantFrom(...CHANNEL_KINDS, 'pigeon'),
            settings: fc.dictionary(
              fc.constantFrom(
                ...['url', 'secret', 'to', 'topic_arn', 'routing_key', 'severity', 'api_key', 'region', 'priority'],
                ...['bot_token', 'chat_id', 'server', 'topic', 'token', 'user', 'device'],
              ),
              fc.oneof(fc.string(), fc.integer()),
            ),
            create_on_ping: fc.oneof(fc.boolean(), fc.string()),
            __proto__: fc.constant({ polluted: true }),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
      fc.constantFrom('['.repeat(20_000), '{"a":'.repeat(5000), '{', '', 'not json', '1e999999', '"\\ud800"'),
    );
    const body = fc.oneof(
      { weight: 6, arbitrary: jsonValue.map((text) => Buffer.from(text, 'utf8')) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
      { weight: 1, arbitrary: fc.constant(Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xc0, 0x22, 0x7d])) },
      { weight: 1, arbitrary: fc.constant(Buffer.alloc(70 * 1024, 0x61)) },
    );
    const auth = fc.constantFrom<[string, string][]>(
      [['Authorization', `Bearer ${'k'}`]],
      [],
      [['X-Api-Key', 'csk_' + 'A'.repeat(43)]],
      [['Authorization', 'Basic Zm9vOmJhcg==']],
    );
    const request = fc.record({
      template: fc.constantFrom(...templates),
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constant('') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND'),
        },
      ),
      params: fc.array(param, { minLength: 3, maxLength: 3 }),
      query,
      body: fc.option(body, { nil: undefined }),
      keyed: fc.nat(9).map((n) => n < 8 || undefined),
      auth,
      extra: fc.array(
        fc.oneof(
          fc.constant(['Content-Type', 'application/json; charset=utf-8'] as [string, string]),
          fc.constant(['Content-Type', 'application/octet-stream'] as [string, string]),
          fc.constant(['X-Forwarded-Proto', 'javascript'] as [string, string]),
          fc.constant(['X-Test', 'a\r\nX-Injected: 1'] as [string, string]),
          fc.constant(['Origin', 'https://evil.example'] as [string, string]),
          fc.string({ maxLength: 30 }).map((value) => ['X-Fuzz', value.replace(/[\r\n]/g, '')] as [string, string]),
        ),
        { maxLength: 3 },
      ),
    });

    let before = await digest();
    let count = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let index = 0;
        const path = r.template.path.replace(/\{[^}]+\}/g, () => r.params[index++] ?? '');
        const method = r.method || r.template.method;
        const headers: [string, string][] = [
          ...(r.keyed ? [['Authorization', `Bearer ${sandbox.apiKey}`] as [string, string]] : r.auth),
          ...r.extra,
        ];
        let response: RawResponse;
        try {
          response = await rawRequest(port, buildRequest({ method, target: path + r.query, headers, body: r.body }));
        } catch (error) {
          throw new Error(`${method} ${path}${r.query}: ${(error as Error).message}`, { cause: error });
        }
        count += 1;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const what = `${method} ${path.slice(0, 200)}${r.query.slice(0, 200)} → ${response.status} ${response.text.slice(0, 300)}`;
        expect(response.status, what).toBeGreaterThanOrEqual(200);
        expect(response.status, what).toBeLessThan(500);
        expect(response.text, what).not.toMatch(STACK_TRACE);
        expect(response.headers['x-injected'], what).toBeUndefined();
        // Badges are for embedding elsewhere and Healthchecks' ping URLs let browsers ping (any
        // origin, nothing credentialed); nothing else answers other origins.
        if (!/^\/(badge|ping)\//.test(path))
          expect(response.headers['access-control-allow-origin'], what).toBeUndefined();
        // Node's own HTTP parser refuses some requests (431 for a huge URL, 400 for a broken
        // request line) before any route runs, with no content type: those are not the document's.
        const fromParser = !response.headers['content-type'] && response.status >= 400;
        if (!fromParser)
          assertContract({
            method,
            url: path + r.query,
            status: response.status,
            contentType: response.headers['content-type'],
            text: method === 'HEAD' ? '' : response.text,
          });
        const error = (() => {
          try {
            return (JSON.parse(response.text) as { error?: { code?: string; field?: string; message?: string } }).error;
          } catch {
            return undefined;
          }
        })();
        if (error?.code === 'validation_failed') {
          expect(error.field, what).toMatch(/\S/);
          expect(error.message, what).toContain(error.field!);
        }
        // A GET changes nothing unless it is an accepted ping (a start resumes a paused job, a
        // slug ping with ?create=1 may register one), so only those and every write are compared.
        if ((method !== 'GET' && method !== 'HEAD') || response.status < 400) {
          const after = await digest();
          if (response.status >= 400) expect(after, `state changed by a rejected ${what}`).toBe(before);
          before = after;
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), verbose: 1 },
    );
    console.log(`fuzz: ${count} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(count).toBe(RUNS);
    // The run reached past validation too: some requests succeeded, many were refused.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(0);
    // Still alive and well.
    expect((await api('GET', '/api/me')).status).toBe(200);
    expect(sandbox.output()).not.toMatch(/unhandled|uncaught/i);
  }, 120_000);
});
