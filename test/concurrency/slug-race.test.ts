/**
 * Two first `?create=1` pings on one new slug, through the real ping handler on AWS's DynamoDB
 * Local: both make a job, one wins the slug, and the loser deletes its own job. That delete is a
 * ping-role `dynamodb:DeleteItem`, which the role lacked (AccessDenied, a 500, and a leftover job
 * that later went missing); test/infra/iam.test.ts checks the grant against the calls recorded here.
 */
import { describe, expect, it } from 'vitest';
import { buildPingHandler } from '../../functions/ping/handler';
import { fromApiGatewayResult, toApiGatewayEvent } from '../../sandbox/api-gateway-event';
import { functionNow, recordAwsCalls, type AwsCall } from '../../shared/adapters/aws-call-recorder';
import { asFunction, TEST_ACCOUNT } from '../support/aws-calls';
import { servicesFor, silentLogger } from '../support/services';

const T0 = Date.UTC(2026, 0, 1);

describe('racing first ?create=1 pings on one new slug', () => {
  it('both succeed, one job stays, and the loser deletes its job with the ping role', async () => {
    const { services, principal, client, tableName } = await servicesFor('DynamoDB Local');
    const seen: AwsCall[] = [];
    recordAwsCalls(client, {
      functionOf: functionNow,
      sink: (call) => seen.push(call),
      account: TEST_ACCOUNT,
      tableName,
    });
    await services.access.updateProject(principal, { createOnPing: true });
    const key = (await services.access.getProject(principal))!.pingKey!;
    const handler = buildPingHandler({ pings: services.pings, clock: () => T0, logger: silentLogger }) as unknown as (
      event: ReturnType<typeof toApiGatewayEvent>,
      context: object,
    ) => Promise<Parameters<typeof fromApiGatewayResult>[0]>;
    const ping = async (url: string) => {
      const event = toApiGatewayEvent({ method: 'GET', url, headers: {} });
      return fromApiGatewayResult(await asFunction('ping', () => handler(event, {}))).status;
    };

    // Started together, both pings read "no such slug" before either claims it; a run where the
    // store happened to serialise them is tried again with another slug (a handful at most).
    let slugs = 0;
    while (!seen.some((call) => call.action === 'dynamodb:DeleteItem') && slugs < 10) {
      slugs += 1;
      const url = `/api/ping/${key}/race-${slugs}?create=1`;
      expect(await Promise.all([ping(url), ping(url)])).toEqual([200, 200]);
    }
    // The loser's job goes item by item (state, profile, …), each a DeleteItem of the ping role.
    const deletes = seen.filter((call) => call.action === 'dynamodb:DeleteItem');
    expect(deletes.length).toBeGreaterThan(0);
    for (const call of deletes) expect(call).toMatchObject({ function: 'ping', stackResource: 'table' });
    const jobs = (await services.jobs.list(principal, {}, 50, T0)).items;
    expect(jobs.map((job) => job.profile.name).sort()).toEqual(
      Array.from({ length: slugs }, (_, index) => `race-${index + 1}`).sort(),
    );
  });
});
