import { describe, expect, it } from 'vitest';
import { uniqueKeyOf } from '../../shared/domain/unique-key';
import { STORES } from '../support/stores';
import { apiHarness, fill, SAFE_WRITES, UUID_IN_TEXT, VALID_BODIES } from './api-harness';

const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

/**
 * Every route of `apiRoutes` (whoever adds one, it is enumerated here), through the real API
 * handler: project A's keys can neither read nor change project B's resources (404, so existence
 * does not leak), and a read-only key changes nothing anywhere.
 */
describe.each(STORES)('isolation of every management route on %s', (store) => {
  async function twoProjects() {
    const api = await apiHarness(store);
    const { services, writerKey, readerKey } = api;
    const now = Date.now();
    const b = await services.access.createProject('Project B', now);
    const bKey = (await services.access.createKey({ projectId: b.id, role: 'read-write', name: 'b-rw' }, now)).secret;
    const marker = 'zz-project-b-secret-marker';
    const channelSecrets: string[] = [];
    const jobIds: string[] = [];
    // Resources in both projects, made through the API by each project's own key.
    for (const [key, name] of [
      [bKey, marker],
      [writerKey, 'a job'],
    ] as const) {
      const job = await api.call('POST', '/api/jobs', key, { ...(VALID_BODIES['POST /api/jobs'] as object), name });
      expect(job.status).toBe(201);
      jobIds.push((job.json as { id: string }).id);
      const channel = await api.call('POST', '/api/channels', key, {
        kind: 'webhook',
        name,
        settings: { url: `https://hooks.example/${name}` },
      });
      expect(channel.status).toBe(201);
      const settings = (channel.json as { settings: Record<string, string> }).settings;
      if (key === writerKey) channelSecrets.push(...Object.values(settings));
      const window = await api.call('POST', '/api/maintenance', key, {
        ...(VALID_BODIES['POST /api/maintenance'] as object),
        name,
      });
      expect(window.status, window.text).toBe(201);
      await services.pings.record(
        {
          jobId: (job.json as { id: string }).id,
          kind: 'fail',
          method: 'GET',
          sourceIp: '::1',
          userAgent: '',
          body: marker,
        },
        now,
      );
    }
    const snapshot = await api.snapshot();
    const idsOf = (projectId: string) => {
      const text = JSON.stringify(snapshot.filter((item) => JSON.stringify(item).includes(projectId)));
      return [...new Set(text.match(UUID_IN_TEXT))].filter((id) => id !== projectId);
    };
    const [bJobId, aJobId] = jobIds as [string, string];
    return {
      ...api,
      b,
      bKey,
      marker,
      // B's resources by id, and B's job by its unique key too.
      bIds: [...idsOf(b.id), uniqueKeyOf(bJobId)],
      aIds: [...idsOf(api.project.id), uniqueKeyOf(aJobId)],
      aJobId,
      readerKey,
      channelSecrets,
    };
  }

  it("project A's read-write key gets 404 for every one of B's resources on every route, and B stays as it was", async () => {
    const api = await twoProjects();
    const { b, bIds, marker } = api;
    expect(bIds.length).toBeGreaterThanOrEqual(4); // B's job, channel, maintenance window and key
    const bItems = async () =>
      (await api.snapshot()).filter(
        (item) =>
          JSON.stringify(item).includes(b.id) ||
          bIds.some((id) => String(item.pk).includes(id)) ||
          String(item.pk) === `PINGKEY#${b.pingKey}`,
      );
    const before = await bItems();
    let calls = 0;
    for (const route of api.routes) {
      const body = VALID_BODIES[routeKey(route)];
      if (route.path.includes('{')) {
        for (const id of bIds) {
          const answer = await api.call(route.method, fill(route.path, id), api.writerKey, body);
          calls += 1;
          expect(answer.status, `${routeKey(route)} with B's ${id}: ${answer.text}`).toBe(404);
        }
      } else {
        // Routes of the caller's own project: they answer, but never with anything of B's.
        for (const query of ['', `?job_id=${bIds[0]}`, `?channel_id=${bIds[1]}`, `?job_id=${bIds.at(-1)}`]) {
          const answer = await api.call(route.method, route.path + query, api.writerKey, body);
          calls += 1;
          expect(answer.status, `${routeKey(route)}${query}`).toBeLessThan(500);
          expect(answer.text).not.toContain(marker);
          expect(answer.text).not.toContain(b.id);
          for (const id of bIds) expect(answer.text, `${routeKey(route)} leaks ${id}`).not.toContain(id);
        }
      }
    }
    expect(calls).toBeGreaterThan(api.routes.length);
    expect(await bItems()).toEqual(before);

    // Not vacuous: B's own key does reach its resources on every GET route with an id.
    for (const route of api.routes.filter((r) => r.method === 'GET' && r.path.includes('{'))) {
      const statuses = await Promise.all(bIds.map((id) => api.call('GET', fill(route.path, id), api.bKey)));
      expect(
        statuses.some((answer) => answer.status === 200),
        `${routeKey(route)} as B`,
      ).toBe(true);
    }
  });

  it('a read-only key is refused (403) on every write route, sees no ping URLs, ping key or channel secrets, and changes nothing', async () => {
    const api = await twoProjects();
    const before = await api.snapshot();
    for (const route of api.routes.filter((r) => r.method !== 'GET')) {
      const body = VALID_BODIES[routeKey(route)];
      const targets = route.path.includes('{') ? api.aIds : [undefined];
      const statuses = [];
      for (const id of targets) {
        const answer = await api.call(route.method, id ? fill(route.path, id) : route.path, api.readerKey, body);
        statuses.push(answer.status);
      }
      if (SAFE_WRITES.has(routeKey(route))) continue;
      // Ids of another kind may be 404; none may succeed, and the route's own kind is refused with 403.
      expect(
        statuses.every((status) => status === 403 || status === 404),
        `${routeKey(route)}: ${statuses}`,
      ).toBe(true);
      expect(statuses, routeKey(route)).toContain(403);
    }
    expect(await api.snapshot()).toEqual(before);

    const uniqueKey = uniqueKeyOf(api.aJobId);
    for (const route of api.routes.filter((r) => r.method === 'GET')) {
      const targets = route.path.includes('{') ? api.aIds : ['', `?job_id=${uniqueKey}`];
      for (const id of targets) {
        const url = route.path.includes('{') ? fill(route.path, id) : route.path + id;
        const answer = await api.call('GET', url, api.readerKey);
        expect(answer.status).toBeLessThan(500);
        expect(answer.text).not.toContain('ping_url');
        expect(answer.text).not.toContain('ping_key');
        expect(answer.text).not.toContain('/api/ping/');
        // The job id is the ping credential: not in any answer, not even inside a notice id.
        expect(answer.text, `${routeKey(route)} ${id} shows the job id`).not.toContain(api.aJobId);
        // Channel settings come masked (as for every key); never whole.
        for (const secret of api.channelSecrets) expect(answer.text).not.toContain(secret);
      }
      // Read-only keys address jobs by unique key; the id itself opens nothing for them.
      if (route.path.startsWith('/api/jobs/{id}')) {
        expect((await api.call('GET', fill(route.path, uniqueKey), api.readerKey)).status, routeKey(route)).toBe(200);
        expect((await api.call('GET', fill(route.path, api.aJobId), api.readerKey)).status, routeKey(route)).toBe(404);
        expect((await api.call('GET', fill(route.path, uniqueKey), api.writerKey)).status, routeKey(route)).toBe(200);
      }
    }
    const listed = (await api.call('GET', '/api/jobs', api.readerKey)).json as { jobs: Record<string, unknown>[] };
    expect(listed.jobs.map((job) => job.unique_key)).toEqual([uniqueKey]);
    expect(listed.jobs[0]).not.toHaveProperty('id');
  });

  it('a project whose jobs predate unique keys gets their lookup items on the first miss, once', async () => {
    const api = await twoProjects();
    const uniqueKey = uniqueKeyOf(api.aJobId);
    // As if the job had been created before unique keys existed.
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    await api.documents.send(
      new DeleteCommand({
        TableName: api.tableName,
        Key: { pk: `PROJECT#${api.project.id}`, sk: `UKEY#${uniqueKey}` },
      }),
    );
    expect((await api.call('GET', `/api/jobs/${uniqueKey}`, api.readerKey)).status).toBe(200);
    const marker = (await api.snapshot()).filter((item) => item.sk === 'UKEY-INDEXED');
    expect(marker.map((item) => item.pk)).toEqual([`PROJECT#${api.project.id}`]);
    // Once indexed, an unknown key is one read and a 404.
    expect((await api.call('GET', `/api/jobs/${'0'.repeat(40)}`, api.readerKey)).status).toBe(404);
  });

  it('no key, a malformed key or a revoked key gets the same 401 on every route, before routing', async () => {
    const api = await twoProjects();
    const revoked = await api.services.access.createKey(
      { projectId: api.project.id, role: 'read-write', name: 'gone' },
      Date.now(),
    );
    await api.services.access.revokeKey(api.principal, revoked.record.id);
    const answers = [];
    for (const route of [...api.routes, { method: 'GET', path: '/api/no-such-route' } as const]) {
      for (const key of [undefined, 'csk_nope', revoked.secret, `${api.writerKey}x`]) {
        answers.push(await api.call(route.method, fill(route.path, api.aIds[0]!), key));
      }
    }
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(401);
    // It says where a key comes from, not only which headers carry it.
    expect((answers[0]!.json as { error: { message: string } }).error.message).toContain(
      '`npm start` prints one; see README',
    );
  });
});
