import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/app/access';
import { createServices, type Services } from '../../shared/wiring/services';
import { readSettings } from '../../shared/config';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors';
import { channelRoutes } from '../../functions/api/channel-routes';
import { PAGERDUTY_EVENTS_URL } from '../../shared/alerts/channels/pagerduty';
import { channelKindOf } from '../../shared/alerts/registry';
import type { HttpEvent } from '../../functions/http/responses';
import type { Route } from '../../functions/api/route';
import { freshTable } from '../support/stores';
import { T0, quietLogger, transports } from './support/fixtures';
import { startReceiver, type Receiver } from './support/receiver';
import { parseJobCreate } from '../../shared/app/job-input';

// Response bodies are read loosely: the assertions say what they must hold.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const writer: Principal = { projectId: 'routes-a', keyId: 'k1', role: 'read-write' };
const reader: Principal = { projectId: 'routes-a', keyId: 'k2', role: 'read-only' };
const stranger: Principal = { projectId: 'routes-b', keyId: 'k3', role: 'read-write' };

describe('channel and delivery routes', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let services: Services;
  let routes: Route[];
  let receiver: Receiver;

  beforeEach(async () => {
    table = await freshTable('dynalite');
    receiver = await startReceiver();
    services = createServices({
      documents: table.documents,
      settings: readSettings({ TABLE_NAME: table.tableName, CRONSENTRY_MIN_SECONDS: '1' }),
      bus: { publish: async () => undefined },
      logger: quietLogger,
      alerts: transports({ clock: () => T0, vendorOrigins: { [new URL(PAGERDUTY_EVENTS_URL).origin]: receiver.url } }),
    });
    for (const id of ['routes-a', 'routes-b']) await services.access.ensureProject(id, id, T0);
    routes = channelRoutes(services.alerts, 'https://cronsentry.example.com', services.jobs);
  });
  afterEach(async () => {
    await receiver.close();
    table.client.destroy();
  });

  async function call(
    principal: Principal,
    method: Route['method'],
    path: string,
    options: { body?: unknown; id?: string; query?: Record<string, string> } = {},
  ) {
    const route = routes.find((r) => r.method === method && r.path === path);
    if (!route) throw new Error(`no route ${method} ${path}`);
    const event = {
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      isBase64Encoded: false,
      headers: {},
      pathParameters: options.id ? { id: options.id } : undefined,
      queryStringParameters: options.query,
    } as unknown as HttpEvent;
    const result = await route.handle({ event, principal, now: T0, baseUrl: 'https://api.example.com' });
    return {
      status: result.statusCode,
      body: result.body ? (JSON.parse(result.body) as Json) : undefined,
    };
  }
  const createWebhook = (extra: Record<string, unknown> = {}) =>
    call(writer, 'POST', '/api/channels', {
      body: { kind: 'webhook', name: 'Ops hook', settings: { url: `${receiver.url}/hook/secret-path` }, ...extra },
    });

  it('shows secrets in full once, at creation, and masked ever after (read-write keys), and never any part of them to read-only keys', async () => {
    const created = await createWebhook();
    expect(created.status).toBe(201);
    expect(created.body!.settings.url).toBe(`${receiver.url}/hook/secret-path`);
    expect(created.body!.settings.secret).toMatch(/^whsec_/);
    expect(created.body).toMatchObject({
      kind: 'webhook',
      events: ['down', 'up'],
      is_default: false,
      last_delivery: null,
    });

    const listed = await call(writer, 'GET', '/api/channels');
    const settings = listed.body!.channels[0].settings;
    expect(settings.url).toBe(`${receiver.url}/••••path`);
    expect(settings.secret).toMatch(/^••••.{4}$/);
    expect(JSON.stringify(listed.body)).not.toContain(created.body!.settings.secret);

    const forReader = await call(reader, 'GET', '/api/channels');
    expect(forReader.body!.channels[0]).toMatchObject({ kind: 'webhook', name: 'Ops hook' });
    expect(forReader.body!.channels[0].settings).toEqual({});
  });

  it('keeps every project to itself and read-only keys to reading', async () => {
    const created = await createWebhook();
    const id = created.body!.id as string;
    await expect(call(stranger, 'GET', '/api/channels/{id}', { id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(call(stranger, 'DELETE', '/api/channels/{id}', { id })).rejects.toBeInstanceOf(NotFoundError);
    expect((await call(stranger, 'GET', '/api/channels')).body!.channels).toEqual([]);
    await expect(
      call(reader, 'POST', '/api/channels', { body: { kind: 'slack', name: 'x', settings: {} } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(call(reader, 'POST', '/api/channels/{id}/test', { id })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(call(reader, 'PATCH', '/api/channels/{id}', { id, body: { name: 'y' } })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('validates per kind and names the field', async () => {
    const problem = (body: unknown) =>
      call(writer, 'POST', '/api/channels', { body }).then(
        () => undefined,
        (error: unknown) => (error as ValidationError).field,
      );
    expect(await problem({ kind: 'slack', name: 'x', settings: { url: 'not a url' } })).toBe('settings.url');
    expect(await problem({ kind: 'email', name: 'x', settings: { addresses: ['nope'] } })).toBe('settings.addresses.0');
    expect(await problem({ kind: 'pager', name: 'x', settings: {} })).toBe('kind');
    expect(await problem({ kind: 'sns', name: 'x', settings: { topic_arn: 'arn:aws:sns:eu-west-1:1:x' } })).toBe(
      'settings.topic_arn',
    );
    expect(await problem({ kind: 'slack', name: '', settings: { url: 'https://hooks.slack.com/x' } })).toBe('name');
    expect(
      await problem({ kind: 'slack', name: 'x', settings: { url: 'https://hooks.slack.com/x' }, events: ['sideways'] }),
    ).toBe('events.0');
  });

  it('edits without losing a secret sent back masked, and refuses to change the kind', async () => {
    const created = await createWebhook();
    const id = created.body!.id as string;
    const listed = (await call(writer, 'GET', '/api/channels/{id}', { id })).body!;
    const edited = await call(writer, 'PATCH', '/api/channels/{id}', {
      id,
      body: { name: 'Renamed', settings: listed.settings, events: ['down'] },
    });
    expect(edited.body).toMatchObject({ name: 'Renamed', events: ['down'] });
    const stored = await services.alerts.channelRepository.get('routes-a', id);
    expect(stored?.settings).toEqual(created.body!.settings);

    const moved = await call(writer, 'PATCH', '/api/channels/{id}', {
      id,
      body: { settings: { url: 'https://new.example/hook' } },
    });
    expect(moved.body!.settings.url).toBe('https://new.example/hook');
    expect(moved.body!.settings.secret).toMatch(/^••••/);
    await expect(call(writer, 'PATCH', '/api/channels/{id}', { id, body: { kind: 'slack' } })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('gives new jobs the default channels, and takes a deleted channel out of its jobs', async () => {
    const byDefault = (await createWebhook({ is_default: true })).body!.id as string;
    await createWebhook({ name: 'not default' });
    const job = await services.jobs.create(
      writer,
      parseJobCreate({ name: 'Backup', schedule: 'every 1h', grace_time: 5 }),
      T0,
    );
    expect(job.profile.channelIds).toEqual([byDefault]);
    await expect(
      services.jobs.create(
        writer,
        parseJobCreate({
          name: 'B',
          schedule: 'every 1h',
          grace_time: 5,
          channels: ['00000000-0000-4000-8000-000000000000'],
        }),
        T0,
      ),
    ).rejects.toBeInstanceOf(ValidationError);

    expect((await call(writer, 'DELETE', '/api/channels/{id}', { id: byDefault })).status).toBe(204);
    expect((await services.jobs.get(writer, job.state.id)).profile.channelIds).toEqual([]);
  });

  it('sends a test message, reports the outcome and records it', async () => {
    const id = (await createWebhook()).body!.id as string;
    const tested = await call(writer, 'POST', '/api/channels/{id}/test', { id });
    expect(tested.body).toEqual({ ok: true, detail: 'HTTP 200' });
    expect(receiver.json(0)).toMatchObject({ test: true, subject: 'TEST | MISSING | Test alert' });

    receiver.answer([{ status: 404, body: 'no such hook' }]);
    const broken = await call(writer, 'POST', '/api/channels/{id}/test', { id });
    expect(broken.body).toEqual({ ok: false, detail: 'http_404' });
    const channel = (await call(writer, 'GET', '/api/channels/{id}', { id })).body!;
    expect(channel.last_delivery).toMatchObject({ outcome: 'failed', error: 'http_404' });

    // One attempt, not three: the API waits for the answer and must answer within its 15 s.
    receiver.answer([{ status: 503, body: 'try later' }]);
    const before = receiver.requests.length;
    expect((await call(writer, 'POST', '/api/channels/{id}/test', { id })).body).toEqual({
      ok: false,
      detail: 'http_503',
    });
    expect(receiver.requests.length - before).toBe(1);

    const deliveries = await call(writer, 'GET', '/api/deliveries', { query: { channel_id: id } });
    expect(deliveries.body!.deliveries.map((d: { outcome: string }) => d.outcome).sort()).toEqual([
      'failed',
      'failed',
      'sent',
    ]);
    expect(deliveries.body!.deliveries[0]).toMatchObject({ channel_id: id, job_id: null, test: true, event: 'test' });
    expect((await call(stranger, 'GET', '/api/deliveries', {})).body!.deliveries).toEqual([]);
    await expect(call(writer, 'GET', '/api/deliveries', { query: { job_id: 'abc' } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(call(writer, 'GET', '/api/deliveries', { query: { channel_id: 'abc' } })).rejects.toMatchObject({
      field: 'channel_id',
      message: 'channel_id: must be an id this API returned',
    });
    // An id in capitals is the same id.
    const shouted = await call(writer, 'GET', '/api/deliveries', { query: { channel_id: id.toUpperCase() } });
    expect(shouted.body!.deliveries).toHaveLength(3);
  });
  /** Valid settings of each on-call kind, with secrets long enough to show a masked tail. */
  const ON_CALL_KINDS: [string, Record<string, unknown>][] = [
    ['pagerduty', { routing_key: 'e93facc04764012d7bfb002500d5d1a6', severity: 'error' }],
    ['opsgenie', { api_key: 'eb243592-faa2-4ba2-a551-1afdf565c889', region: 'eu', priority: 'P2' }],
    ['teams', { url: 'https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=s3cr3t' }],
    ['googlechat', { url: 'https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t0k3n' }],
    ['telegram', { bot_token: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', chat_id: '-1001234567890' }],
    ['ntfy', { server: 'https://ntfy.example.com', topic: 'cron-alerts-x7q9', token: 'tk_abcdefghijklmnop' }],
    ['pushover', { token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', user: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG', priority: '2' }],
    ['mattermost', { url: 'https://chat.example.com/hooks/xkz3bnf7ytb9up8wz1jwz' }],
    ['rocketchat', { url: 'https://rocket.example.com/hooks/abc/def123456' }],
  ];

  it.each(ON_CALL_KINDS)(
    'creates a %s channel, then masks its secrets and withholds them from read-only keys',
    async (kind, settings) => {
      const created = await call(writer, 'POST', '/api/channels', {
        body: { kind, name: `${kind} on call`, settings },
      });
      expect(created.status).toBe(201);
      const secrets = channelKindOf(kind)!.secretSettings;
      expect(secrets.length).toBeGreaterThan(0);
      const id = created.body!.id as string;
      const shown = (await call(writer, 'GET', '/api/channels/{id}', { id })).body!.settings;
      for (const name of secrets) {
        expect(created.body!.settings[name]).toBe(settings[name]);
        expect(shown[name]).toMatch(/••••/);
        expect(JSON.stringify(shown)).not.toContain(String(settings[name]));
      }
      const forReader = (await call(reader, 'GET', '/api/channels/{id}', { id })).body!.settings;
      for (const name of secrets) expect(forReader[name]).toBeUndefined();
    },
  );

  it('names the field of a bad on-call setting', async () => {
    const problem = (body: unknown) =>
      call(writer, 'POST', '/api/channels', { body }).then(
        () => undefined,
        (error: unknown) => (error as ValidationError).field,
      );
    expect(await problem({ kind: 'pagerduty', name: 'x', settings: { routing_key: 'nope' } })).toBe(
      'settings.routing_key',
    );
    expect(await problem({ kind: 'opsgenie', name: 'x', settings: { api_key: 'eb243592-faa2', region: 'asia' } })).toBe(
      'settings.region',
    );
    expect(await problem({ kind: 'ntfy', name: 'x', settings: { topic: 'a b' } })).toBe('settings.topic');
    expect(await problem({ kind: 'pushover', name: 'x', settings: { token: 'a'.repeat(30), user: 'short' } })).toBe(
      'settings.user',
    );
  });

  it('sends a PagerDuty test event through the routes, as info under its own dedup key', async () => {
    const created = await call(writer, 'POST', '/api/channels', {
      body: { kind: 'pagerduty', name: 'PD', settings: { routing_key: 'e93facc04764012d7bfb002500d5d1a6' } },
    });
    const tested = await call(writer, 'POST', '/api/channels/{id}/test', { id: created.body!.id as string });
    expect(tested.body).toEqual({ ok: true, detail: 'HTTP 200' });
    expect(receiver.requests[0]!.path).toBe('/v2/enqueue');
    expect(receiver.json(0)).toMatchObject({
      event_action: 'trigger',
      dedup_key: expect.stringMatching(/^test-/),
      payload: { severity: 'info', summary: expect.stringMatching(/^TEST \| MISSING \| Test alert/) },
    });
  });
});
