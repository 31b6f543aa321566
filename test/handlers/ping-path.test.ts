import { describe, expect, it } from 'vitest';
import { parsePingPath, PING_PARAMETERS, PING_ROUTES, type ParsedPingPath } from '../../functions/ping/ping-path';

const ID = '0b7c3a52-3f0e-4d8a-9d61-2a3c4b5d6e7f';
const KEY = 'AbCdEfGhIjKlMnOpQrStUv';

const native = (rest: Omit<ParsedPingPath, 'dialect'>): ParsedPingPath => ({ dialect: 'native', ...rest });
const hc = (rest: Omit<ParsedPingPath, 'dialect'>): ParsedPingPath => ({ dialect: 'healthchecks', ...rest });
const success = { kind: 'success' } as const;

/** Path → what the ping handler makes of it (undefined: the same 404 as an unknown job). */
const CASES: [path: string, parsed: ParsedPingPath | undefined][] = [
  [`/api/ping/${ID}`, native({ target: { jobId: ID }, signal: success })],
  [`/api/ping/${ID}/`, native({ target: { jobId: ID }, signal: success })],
  [`/api/ping/${ID.toUpperCase()}`, native({ target: { jobId: ID }, signal: success })],
  [`/api/ping/${ID}/start`, native({ target: { jobId: ID }, signal: { kind: 'start' } })],
  [`/api/ping/${ID}/fail`, native({ target: { jobId: ID }, signal: { kind: 'fail' } })],
  [`/api/ping/${ID}/log`, native({ target: { jobId: ID }, signal: { kind: 'log' } })],
  [`/api/ping/${ID}/0`, native({ target: { jobId: ID }, signal: { kind: 'success', exitCode: 0 } })],
  [`/api/ping/${ID}/255`, native({ target: { jobId: ID }, signal: { kind: 'fail', exitCode: 255 } })],
  [`/api/ping/${ID}/256`, undefined],
  [`/api/ping/${ID}/1000`, undefined],
  [`/api/ping/${ID}/stop`, undefined],
  [`/api/ping/${ID}/start/extra`, undefined],
  [`/api/ping/${KEY}/nightly-backup`, native({ target: { pingKey: KEY, slug: 'nightly-backup' }, signal: success })],
  [
    `/api/ping/${KEY}/nightly-backup/7`,
    native({ target: { pingKey: KEY, slug: 'nightly-backup' }, signal: { kind: 'fail', exitCode: 7 } }),
  ],
  [`/api/ping/${KEY}/Nightly-Backup`, undefined],
  [`/api/ping/${KEY}`, undefined],
  [`/api/ping/${KEY.slice(1)}/nightly-backup`, undefined],
  [`/api/ping/${KEY}/${'a'.repeat(101)}`, undefined],
  [`/api/ping/${KEY}/nightly/start/x`, undefined],
  [`/api/ping/not-a-uuid`, undefined],
  ['/api/ping', undefined],
  ['/api/ping/', undefined],
  [`/api/pings/${ID}`, undefined],
  [`/api/jobs/${ID}`, undefined],
  [`/ping/${ID}`, hc({ target: { jobId: ID }, signal: success })],
  [`/ping/${ID.toUpperCase()}`, undefined],
  [`/ping/${ID}/256`, hc({ target: { jobId: ID }, signal: { kind: 'fail', exitCode: 256 }, invalid: 'exit-status' })],
  [
    `/ping/${ID}/999999999999`,
    hc({ target: { jobId: ID }, signal: { kind: 'fail', exitCode: 999999999999 }, invalid: 'exit-status' }),
  ],
  [`/ping/${ID}/9999999999999`, undefined],
  [`/ping/${KEY}/backup/start`, hc({ target: { pingKey: KEY, slug: 'backup' }, signal: { kind: 'start' } })],
  [
    `/ping/${KEY}/Nightly-Backup`,
    hc({ target: { pingKey: KEY, slug: 'nightly-backup' }, signal: success, invalid: 'slug-case' }),
  ],
  [`/ping/${KEY}/a.b`, undefined],
  [`/ping/${KEY}/-backup`, undefined],
  ['/ping', undefined],
  [`/pingx/${ID}`, undefined],
  [`//ping/${ID}`, undefined],
];

describe('parsePingPath', () => {
  it.each(CASES)('%s', (path, parsed) => {
    expect(parsePingPath(path)).toEqual(parsed);
  });

  it('accepts only values that fit the patterns the OpenAPI document gives', () => {
    for (const [path, parsed] of CASES) {
      if (!parsed || parsed.invalid) continue;
      const route = PING_ROUTES.find(
        (candidate) =>
          candidate.dialect === parsed.dialect &&
          candidate.path.split('/').length === path.replace(/\/+$/, '').split('/').length &&
          'jobId' in parsed.target === candidate.path.includes('{id}'),
      );
      expect(route, path).toBeDefined();
      const pieces = route!.path.split('/');
      path
        .replace(/\/+$/, '')
        .split('/')
        .forEach((value, index) => {
          const piece = pieces[index]!;
          if (!piece.startsWith('{')) return expect(value).toBe(piece);
          const parameter = PING_PARAMETERS[piece.slice(1, -1) as keyof typeof PING_PARAMETERS];
          expect(value, `${path}: ${piece}`).toMatch(parameter.pattern(parsed.dialect));
        });
    }
  });

  it('documents both URL families with the same four shapes', () => {
    expect(PING_ROUTES.map((route) => `${route.dialect} ${route.path}`)).toEqual([
      'native /api/ping/{id}',
      'native /api/ping/{id}/{signal}',
      'native /api/ping/{ping_key}/{slug}',
      'native /api/ping/{ping_key}/{slug}/{signal}',
      'healthchecks /ping/{id}',
      'healthchecks /ping/{id}/{signal}',
      'healthchecks /ping/{ping_key}/{slug}',
      'healthchecks /ping/{ping_key}/{slug}/{signal}',
    ]);
  });
});
