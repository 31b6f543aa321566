import { describe, expect, it } from 'vitest';
import { buildApiHandler } from '../../functions/api/handler';
import { toApiGatewayEvent, fromApiGatewayResult } from '../../sandbox/api-gateway-event';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { STORES } from '../support/stores';
import { apiHarness } from './api-harness';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(STORES)('forged pagination cursors on %s', (store) => {
  it('answer 400 naming the cursor on every paged route, for every key, never 500', async () => {
    const api = await apiHarness(store);
    const job = await api.call('POST', '/api/jobs', api.writerKey, {
      name: 'paged',
      schedule: 'every 1h',
      grace_time: 5,
    });
    const jobId = (job.json as { id: string }).id;
    const uniqueKey = (job.json as { unique_key: string }).unique_key;
    const project = `PROJECT#${api.project.id}`;
    const forged = [
      // The shape this API hands out, plus one field: DynamoDB says ValidationException (was a 500).
      { pk: project, sk: `JOB#${jobId}`, extra: 'x' },
      { pk: project, sk: `DELIVERY#000000000000001#n#c`, dueAt: 5 },
      { pk: `JOB#${jobId}`, sk: 'PING#000000000000001#a', outboxShard: '1' },
      { pk: project, sk: 7 },
      { pk: project },
      { pk: project, sk: { S: 'JOB#' } },
      [project, 'JOB#'],
      'JOB#',
    ];
    const routes = ['/api/jobs', '/api/deliveries', `/api/jobs/${uniqueKey}/pings`, `/api/jobs/${uniqueKey}/flips`];
    for (const key of [api.readerKey, api.writerKey]) {
      for (const route of routes) {
        for (const cursor of forged) {
          const answer = await api.call('GET', `${route}?cursor=${encode(cursor)}`, key);
          expect([route, JSON.stringify(cursor), answer.status]).toEqual([route, JSON.stringify(cursor), 400]);
          expect((answer.json as { error: { field: string } }).error.field).toBe('cursor');
        }
      }
    }
  });
});

describe('a value DynamoDB refuses', () => {
  it('is a 400 for the caller, not a 500 for the alarm', async () => {
    const refusal = Object.assign(new Error('One or more parameter values were invalid'), {
      name: 'ValidationException',
      $fault: 'client',
    });
    const errors: unknown[] = [];
    const handler = buildApiHandler({
      access: { authenticate: async () => ({ projectId: 'p', keyId: 'k', role: 'read-only' }) } as never,
      routes: [
        {
          method: 'GET',
          path: '/api/jobs',
          handle: async () => {
            throw refusal;
          },
        },
      ],
      clock: Date.now,
      logger: { error: (...args: unknown[]) => errors.push(args) },
    }) as unknown as (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
    const result = fromApiGatewayResult(
      await handler(toApiGatewayEvent({ method: 'GET', url: '/api/jobs', headers: {} }), {} as Context),
    );
    expect(result.status).toBe(400);
    expect(JSON.parse(result.body.toString())).toMatchObject({ error: { code: 'validation_failed' } });
    expect(result.body.toString()).not.toContain('parameter values');
  });
});
