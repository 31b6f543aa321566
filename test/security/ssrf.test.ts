import { createSchema } from '../../shared/alerts/channel-service';
import { parseInput } from '../../shared/app/validation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertTransports } from '../../shared/alerts/channel';
import { TransportError } from '../../shared/app/alert-ports';
import { classifyAddress, isAllowedAddress, type Resolver } from '../../shared/alerts/destinations';
import { post } from '../../shared/alerts/http';
import type { Principal } from '../../shared/app/access';
import { createServices, type Services } from '../../shared/wiring/services';
import { readSettings } from '../../shared/config';
import { ValidationError } from '../../shared/errors';
import { freePort } from '../../sandbox/local-store';
import { startReceiver, type Receiver } from '../alerts/support/receiver';
import { freshTable } from '../support/stores';

const publicOnly = (overrides: Partial<AlertTransports> = {}): AlertTransports => ({
  httpTimeoutMs: 1_000,
  clock: () => 0,
  ...overrides,
});

/** Fails the test if anything asks DNS: a literal must be judged as written. */
const noDns: Resolver = async (hostname) => {
  throw new Error(`unexpected DNS lookup of ${hostname}`);
};

async function failureOf(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('the destination guard (SSRF)', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver([{ status: 200, body: 'ok' }]);
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('refuses loopback, link-local, private, reserved and mapped addresses in every spelling, and connects to none', async () => {
    const port = new URL(receiver.url).port;
    const hostile = [
      `http://127.0.0.1:${port}/hook`,
      `http://2130706433:${port}/hook`, // decimal
      `http://0x7f000001:${port}/hook`, // hex
      `http://0x7f.0.0.1:${port}/hook`,
      `http://0177.0.0.1:${port}/hook`, // octal
      `http://017700000001:${port}/hook`,
      `http://127.1:${port}/hook`,
      `http://127.0.0.1.:${port}/hook`, // trailing dot
      `http://%31%32%37.0.0.1:${port}/hook`, // percent-encoded
      `http://0.0.0.0:${port}/hook`,
      `http://0:${port}/hook`,
      `http://[::1]:${port}/hook`,
      `http://[::ffff:127.0.0.1]:${port}/hook`, // IPv4-mapped
      `http://[0:0:0:0:0:ffff:7f00:1]:${port}/hook`,
      `http://[::127.0.0.1]:${port}/hook`, // IPv4-compatible (deprecated)
      `http://[::]:${port}/hook`,
      'http://127.0.0.1:9001/2018-06-01/runtime/invocation/next', // the Lambda Runtime API
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/', // the metadata service
      'http://[::ffff:169.254.169.254]/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/', // the IPv6 metadata service
      'http://[fe80::1]/',
      'http://10.0.0.1/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://100.64.0.1/', // carrier-grade NAT
      'http://[fd12:3456::1]/', // unique-local
      'http://224.0.0.1/', // multicast
      'http://[ff02::1]/',
      'http://255.255.255.255/',
      'http://240.0.0.1/', // reserved
      'http://192.0.2.1/', // documentation
      'http://198.18.0.1/', // benchmarking
      'http://[64:ff9b::7f00:1]/', // NAT64 of 127.0.0.1
      'http://[2002:7f00:1::]/', // 6to4 of 127.0.0.1
      'https://[2001:db8::1]/',
    ];
    for (const url of hostile) {
      const error = await failureOf(post(publicOnly({ destinations: { resolve: noDns } }), url, '{}', {}));
      expect({ url, message: error.message, permanent: error.permanent }).toEqual({
        url,
        message: 'blocked_address',
        permanent: true,
      });
    }
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a name that resolves to a blocked address, or to a mix of public and blocked ones', async () => {
    const answers: Record<string, string[]> = {
      'localhost.example': ['127.0.0.1'],
      'metadata.example': ['169.254.169.254'],
      'mixed.example': ['93.184.215.14', '10.0.0.7'],
      'mapped.example': ['::ffff:127.0.0.1'],
    };
    const resolve: Resolver = async (host) =>
      (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    for (const host of Object.keys(answers)) {
      const error = await failureOf(post(publicOnly({ destinations: { resolve } }), `https://${host}/hook`, '{}', {}));
      expect([host, error.message]).toEqual([host, 'blocked_address']);
    }
  });

  it('connects to the address it checked: a DNS answer that changes afterwards (rebinding) is never used', async () => {
    const port = new URL(receiver.url).port;
    const lookups: string[] = [];
    // First answer: the (test-allowed) receiver. Any later answer would be the metadata service.
    const rebinding: Resolver = async (host) => {
      lookups.push(host);
      return [{ address: lookups.length === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
    };
    const transports = publicOnly({ destinations: { allowLoopback: true, resolve: rebinding } });
    // `.invalid` never resolves in real DNS: reaching the receiver proves the checked address was used.
    await expect(post(transports, `http://rebind.invalid:${port}/hook`, '{"a":1}', {})).resolves.toBe('HTTP 200');
    expect(lookups).toEqual(['rebind.invalid']);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers.host).toBe(`rebind.invalid:${port}`);

    // The next send resolves again, and now the answer is refused before any connection.
    const error = await failureOf(post(transports, `http://rebind.invalid:${port}/hook`, '{}', {}));
    expect(error.message).toBe('blocked_address');
    expect(receiver.requests).toHaveLength(1);
  });

  it('stores codes and statuses, never the receiver’s body or the URL', async () => {
    const transports = publicOnly({ destinations: { allowLoopback: true } });
    receiver.answer([{ status: 404, body: 'token=abc123 not found at http://user:secret@internal/' }]);
    const notFound = await failureOf(post(transports, `${receiver.url}/hook?token=abc123`, '{}', {}));
    expect([notFound.message, notFound.permanent]).toEqual(['http_404', true]);

    receiver.answer([{ status: 503, headers: { 'retry-after': '2' }, body: 'internal details' }]);
    const unavailable = await failureOf(post(transports, `${receiver.url}/hook`, '{}', {}));
    expect([unavailable.message, unavailable.permanent, unavailable.retryAfterMs]).toEqual(['http_503', false, 2_000]);

    const closed = await freePort();
    const refused = await failureOf(post(transports, `http://127.0.0.1:${closed}/hook`, '{}', {}));
    expect([refused.message, refused.permanent]).toEqual(['connection_refused', false]);

    receiver.answer(['hang']);
    const slow = await failureOf(post({ ...transports, httpTimeoutMs: 200 }, `${receiver.url}/hook`, '{}', {}));
    expect([slow.message, slow.permanent]).toEqual(['timeout', false]);

    const credentials = await failureOf(post(transports, `http://user:pass@127.0.0.1:${closed}/`, '{}', {}));
    expect([credentials.message, credentials.permanent]).toEqual(['credentials_in_url', true]);
  });

  it('classifies addresses: private ones open only with the operator setting, loopback only for tests', () => {
    expect(classifyAddress('93.184.215.14')).toBe('public');
    expect(classifyAddress('2606:4700::1111')).toBe('public');
    expect(classifyAddress('10.1.2.3')).toBe('private');
    expect(classifyAddress('fd12::1')).toBe('private');
    expect(classifyAddress('::ffff:192.168.0.1')).toBe('private');
    expect(classifyAddress('127.0.0.2')).toBe('loopback');
    expect(classifyAddress('169.254.169.254')).toBe('forbidden');
    expect(classifyAddress('fd00:ec2::254')).toBe('forbidden');
    expect(classifyAddress('not an address')).toBe('forbidden');

    expect(isAllowedAddress('10.1.2.3', {})).toBe(false);
    expect(isAllowedAddress('10.1.2.3', { allowPrivate: true })).toBe(true);
    expect(isAllowedAddress('127.0.0.1', { allowPrivate: true })).toBe(false);
    expect(isAllowedAddress('169.254.169.254', { allowPrivate: true, allowLoopback: true })).toBe(false);
    expect(isAllowedAddress('fd00:ec2::254', { allowPrivate: true })).toBe(false);
    expect(isAllowedAddress('127.0.0.1', { allowLoopback: true })).toBe(true);
  });
});

describe('channel settings are checked when saved', () => {
  const writer: Principal = { projectId: 'ssrf', keyId: 'k1', role: 'read-write' };
  let table: Awaited<ReturnType<typeof freshTable>>;
  let services: Services;

  beforeEach(async () => {
    table = await freshTable('dynalite');
    // The product's defaults: no test allowances.
    services = createServices({
      documents: table.documents,
      settings: readSettings({ TABLE_NAME: table.tableName }),
      bus: { publish: async () => undefined },
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  });
  afterEach(() => table.client.destroy());

  async function refusal(kind: string, url: string) {
    const error = await services.alerts.channels
      .create(writer, parseInput(createSchema, { kind, name: 'hook', settings: { url } }), 0)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details[0]!;
  }

  it('refuses user:pass@ and blocked addresses with a 400 naming the field, for every HTTP kind', async () => {
    for (const kind of ['webhook', 'slack', 'discord']) {
      expect(await refusal(kind, 'https://user:pass@hooks.example.com/x')).toMatchObject({
        field: 'settings.url',
        message: expect.stringContaining('user:pass@'),
      });
      for (const url of [
        'http://169.254.169.254/',
        'http://2130706433/',
        'http://[::ffff:10.0.0.1]/',
        'http://127.1:9001/',
      ]) {
        expect(await refusal(kind, url)).toMatchObject({
          field: 'settings.url',
          message: expect.stringContaining('loopback'),
        });
      }
    }
    expect(await services.alerts.channels.list(writer)).toEqual([]);
  });

  it('refuses the same on an edit, and accepts a name that does not resolve yet (each send checks again)', async () => {
    const channel = await services.alerts.channels.create(
      writer,
      parseInput(createSchema, { kind: 'webhook', name: 'hook', settings: { url: 'https://hooks.example.invalid/a' } }),
      0,
    );
    const error = await services.alerts.channels
      .update(writer, channel.id, { settings: { url: 'http://0x7f.1/' } }, 1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((await services.alerts.channels.get(writer, channel.id)).settings.url).toBe(
      'https://hooks.example.invalid/a',
    );
  });
});
