import { createSchema } from '../../shared/alerts/channel-service';
import { parseInput } from '../../shared/app/validation';
import { parseJobCreate, parseJobUpdate } from '../../shared/app/job-input';
import { describe, expect, it } from 'vitest';
import { buildPingHandler } from '../../functions/ping/handler';
import { toApiGatewayEvent, fromApiGatewayResult } from '../../sandbox/api-gateway-event';
import { slugify, isSlug } from '../../shared/app/slugs';
import type { Principal } from '../../shared/app/access';
import { asFunction } from '../support/aws-calls';
import { servicesFor, silentLogger } from '../support/services';
import { STORES } from '../support/stores';

const T0 = Date.UTC(2026, 0, 1);
const job = (name: string) => parseJobCreate({ name, schedule: 'every 1h', grace_time: 5 });

function pingVia(services: Awaited<ReturnType<typeof servicesFor>>['services'], clock: () => number) {
  const handler = buildPingHandler({ pings: services.pings, clock, logger: silentLogger }) as unknown as (
    event: ReturnType<typeof toApiGatewayEvent>,
    context: object,
  ) => Promise<Parameters<typeof fromApiGatewayResult>[0]>;
  return async (url: string, method = 'GET') => {
    const event = toApiGatewayEvent({ method, url, headers: {} });
    const result = fromApiGatewayResult(await asFunction('ping', () => handler(event, {})));
    return { status: result.status, body: result.body.toString('utf8') };
  };
}

describe('slugify', () => {
  it('produces exactly the slugs a ping URL accepts, and is idempotent', () => {
    for (const name of ['Nightly DB backup', 'Ünïcödé job', '  --a--b__c--  ', 'x'.repeat(300), 'Rapport été 2026']) {
      const slug = slugify(name);
      expect(slug === undefined || isSlug(slug)).toBe(true);
      expect(slug && slugify(slug)).toBe(slug);
    }
    expect(slugify('Nightly DB backup')).toBe('nightly-db-backup');
    expect(slugify('!!!')).toBeUndefined();
  });
});

describe.each(STORES)('slug pings and limits on %s', (store) => {
  it('pings a job by ping key and slug; unknown ids, slugs and keys answer byte for byte alike', async () => {
    const ctx = await servicesFor(store);
    const { services, principal } = ctx;
    const project = await services.access.getProject(principal);
    const { state } = await services.jobs.create(principal, job('Nightly DB backup'), T0);
    let now = T0 + 1000;
    const ping = pingVia(services, () => now);

    expect(await ping(`/api/ping/${project!.pingKey}/nightly-db-backup`)).toEqual({ status: 200, body: 'OK' });
    now += 10_000;
    expect((await ping(`/api/ping/${project!.pingKey}/nightly-db-backup/fail`)).status).toBe(200);
    const after = await services.jobRepository.getState(state.id);
    expect(after?.status).toBe('failed');

    const other = await services.access.createProject('B', T0);
    const answers = await Promise.all([
      ping(`/api/ping/${project!.pingKey}/no-such-slug`),
      ping(`/api/ping/${other.pingKey}/nightly-db-backup`),
      ping(`/api/ping/AAAAAAAAAAAAAAAAAAAAAA/nightly-db-backup`),
      ping(`/api/ping/00000000-0000-4000-8000-000000000000`),
      ping(`/api/ping/not-a-key/nightly-db-backup`),
      ping(`/api/ping/${project!.pingKey}/no-such-slug?create=1`),
      ping(`/api/ping/${project!.pingKey}/nightly-db-backup`, 'DELETE'),
    ]);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(404);
  });

  it('?create=1 registers an unknown slug only when the project allows it, once under a race', async () => {
    const { services, principal } = await servicesFor(store, { MAX_JOBS_PER_PROJECT: '4' });
    const ping = pingVia(services, () => T0);
    const key = (await services.access.getProject(principal))!.pingKey!;
    expect((await ping(`/api/ping/${key}/fresh-job?create=1`)).status).toBe(404);
    expect((await services.jobs.list(principal, {}, 50, T0)).items).toHaveLength(0);

    await services.access.updateProject(principal, { createOnPing: true });
    const answers = await Promise.all([1, 2, 3].map(() => ping(`/api/ping/${key}/fresh-job?create=1`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const jobs = (await services.jobs.list(principal, {}, 50, T0)).items;
    expect(jobs.map((j) => j.profile.name)).toEqual(['fresh-job']);
    expect((await services.history.listPings(jobs[0]!.state.id, 10)).items).toHaveLength(3);
    // The losers of the race gave their job slots back: the project has room for exactly 3 more of its 4.
    for (const name of ['two', 'three', 'four']) await services.jobs.create(principal, job(name), T0);
    await expect(services.jobs.create(principal, job('five'), T0)).rejects.toMatchObject({ name: 'ForbiddenError' });
  });

  it('?create=1 has its own limits (per ping key per minute, per project per day) and joins no default channel', async () => {
    const { services, principal } = await servicesFor(store);
    await services.alerts.channels.create(
      principal,
      parseInput(createSchema, {
        kind: 'webhook',
        name: 'everyone',
        settings: { url: 'https://hooks.example.com/x' },
        is_default: true,
      }),
      T0,
    );
    await services.access.updateProject(principal, { createOnPing: true });
    const key = (await services.access.getProject(principal))!.pingKey!;
    let now = T0;
    const ping = pingVia(services, () => now);
    const statuses = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await ping(`/api/ping/${key}/auto-${i}?create=1`)).status);
    // Five a minute per ping key; the rest are the same 404 as an unknown slug.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404, 404]);
    const made = (await services.jobs.list(principal, {}, 100, now)).items;
    expect(made).toHaveLength(5);
    expect(made.every((j) => j.profile.channelIds.length === 0)).toBe(true);
    // A known slug still pings when the limit is reached.
    expect((await ping(`/api/ping/${key}/auto-0?create=1`)).status).toBe(200);

    // Fifty a day per project, however the minutes go.
    for (let i = 5; i < 60; i += 1) {
      now = T0 + Math.floor(i / 5) * 60_000;
      await ping(`/api/ping/${key}/auto-${i}?create=1`);
    }
    expect((await services.jobs.list(principal, {}, 100, now)).items).toHaveLength(50);
    now = T0 + 86_400_000;
    expect((await ping(`/api/ping/${key}/next-day?create=1`)).status).toBe(200);
    // A job made by a person still gets the default channel.
    expect((await services.jobs.create(principal, job('by hand'), now)).profile.channelIds).toHaveLength(1);
  });

  it('renaming moves the slug, deleting frees it, rotating the ping key keeps slugs and kills the old key', async () => {
    const { services, principal } = await servicesFor(store);
    const ping = pingVia(services, () => T0);
    const { state } = await services.jobs.create(principal, job('Alpha'), T0);
    const old = (await services.access.getProject(principal))!.pingKey!;
    await services.jobs.update(principal, state.id, parseJobUpdate({ name: 'Beta' }), T0);
    expect((await ping(`/api/ping/${old}/alpha`)).status).toBe(404);
    expect((await ping(`/api/ping/${old}/beta`)).status).toBe(200);

    const rotated = (await services.access.rotatePingKey(principal)).pingKey!;
    expect(rotated).not.toBe(old);
    expect((await ping(`/api/ping/${old}/beta`)).status).toBe(404);
    expect((await ping(`/api/ping/${rotated}/beta`)).status).toBe(200);

    await services.jobs.remove(principal, state.id);
    expect((await ping(`/api/ping/${rotated}/beta`)).status).toBe(404);
    // The slug is free again for the next job of that name.
    await services.jobs.create(principal, job('beta'), T0);
    expect((await ping(`/api/ping/${rotated}/beta`)).status).toBe(200);
  });

  it('enforces the jobs-per-project limit; deleting a job frees its place; other projects are unaffected', async () => {
    const { services, principal } = await servicesFor(store, { MAX_JOBS_PER_PROJECT: '2' });
    const a = await services.jobs.create(principal, job('one'), T0);
    await services.jobs.create(principal, job('two'), T0);
    await expect(services.jobs.create(principal, job('three'), T0)).rejects.toMatchObject({
      name: 'ForbiddenError',
      message: expect.stringContaining('2 jobs'),
    });
    // A rejected (invalid) create takes no place either: one its schema lets through, judged by the service.
    const tooOften = parseJobCreate({ name: 'often', schedule: 'every 1s', grace_time: 5 });
    await expect(services.jobs.create(principal, tooOften, T0)).rejects.toMatchObject({ name: 'ValidationError' });
    await services.jobs.remove(principal, a.state.id);
    await services.jobs.create(principal, job('three'), T0);

    const other = await services.access.createProject('B', T0);
    const b: Principal = { projectId: other.id, keyId: 'k', role: 'read-write' };
    await services.jobs.create(b, job('b1'), T0);
    expect((await services.jobs.list(principal, {}, 50, T0)).items).toHaveLength(2);
  });

  it('stores at most the per-minute limit of pings; the excess is acknowledged; a status change is never dropped', async () => {
    const { services, principal } = await servicesFor(store, { MAX_PINGS_PER_MINUTE: '5' });
    const { state } = await services.jobs.create(principal, job('chatty'), T0);
    let now = T0 + 60_000;
    const ping = pingVia(services, () => now);
    for (let i = 0; i < 12; i += 1) {
      now += 100;
      expect(await ping(`/api/ping/${state.id}`)).toEqual({ status: 200, body: 'OK' });
    }
    const stored = (await services.history.listPings(state.id, 50)).items;
    expect(stored.length).toBeGreaterThanOrEqual(5);
    expect(stored.length).toBeLessThanOrEqual(6);
    // Over the limit, a failure still flips the job (and is stored with it).
    now += 100;
    expect((await ping(`/api/ping/${state.id}/fail`)).status).toBe(200);
    expect((await services.jobRepository.getState(state.id))?.status).toBe('failed');
    // A minute later the job may ping again.
    now += 61_000;
    await ping(`/api/ping/${state.id}`);
    expect((await services.jobRepository.getState(state.id))?.status).toBe('healthy');
  });

  it('refuses a flood from the limit + 1-th ping of its minute, counting on the job item alone (no read of the ping log)', async () => {
    const limit = 7;
    const { services, principal, client } = await servicesFor(store, { MAX_PINGS_PER_MINUTE: String(limit) });
    const { state } = await services.jobs.create(principal, job('flooded'), T0);
    let now = T0 + 60_000;
    const ping = pingVia(services, () => now);
    const flood = 3 * limit;
    // The commands sent, from the second ping on (the first flips the new job and publishes that).
    const made: string[] = [];
    let counting = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (counting) made.push(context.commandName!);
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    for (let i = 0; i < flood; i += 1) {
      // Spread over the first 50 s of the flood: the window is a minute, however the pings fall in it.
      now = T0 + 60_000 + Math.floor((i * 50_000) / flood);
      expect(await ping(`/api/ping/${state.id}`)).toEqual({ status: 200, body: 'OK' });
      counting = true;
    }
    counting = false;
    const stored = (await services.history.listPings(state.id, 50)).items;
    expect(stored).toHaveLength(limit);
    expect(stored.map((entry) => entry.at).sort((a, b) => a - b)).toEqual(
      Array.from({ length: limit }, (_, i) => T0 + 60_000 + Math.floor((i * 50_000) / flood)),
    );
    // Per ping: the state read, and for a stored one the state write and the log entry; no Query.
    expect(made.filter((name) => name === 'QueryCommand')).toEqual([]);
    expect(made.filter((name) => name === 'GetItemCommand')).toHaveLength(flood - 1);
    expect(made.filter((name) => name === 'PutItemCommand')).toHaveLength(2 * (limit - 1));
    // The count is on the state item; a minute after the flood's first ping the job may ping again.
    expect((await services.jobRepository.getState(state.id))?.pingWindow).toEqual({ from: T0 + 60_000, pings: limit });
    now = T0 + 120_000;
    await ping(`/api/ping/${state.id}`);
    expect((await services.history.listPings(state.id, 50)).items).toHaveLength(limit + 1);
  });
});
