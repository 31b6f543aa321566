import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildPingHandler } from '../../functions/ping/handler';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/ping/viewer-address';
import type { PingInput, PingService } from '../../shared/app/ping-service';
import { toApiGatewayEvent } from '../../sandbox/api-gateway-event';
import { silentLogger } from '../support/services';

const SECRET = '5f0c1e2a-9b7d-4c3e-8a6f-112233445566';
const JOB = '6f0c8a1e-1b9e-4c57-a7c8-0d2f7f0b8a11';
const EDGE = '130.176.98.12';

/** The address the ping handler hands the ping service, for a request with these headers. */
async function recordedSourceIp(
  headers: Record<string, string>,
  { originSecret }: { originSecret?: string } = { originSecret: SECRET },
) {
  const recorded: PingInput[] = [];
  const pings = { record: async (input: PingInput) => void recorded.push(input) } as unknown as PingService;
  const handler = buildPingHandler({ pings, clock: () => 0, logger: silentLogger, originSecret });
  const event = toApiGatewayEvent({ method: 'GET', url: `/api/ping/${JOB}`, headers, sourceIp: EDGE });
  const reply = await (
    handler as unknown as (e: APIGatewayProxyEventV2, c: Context) => Promise<{ statusCode: number }>
  )(event, {} as Context);
  expect(reply.statusCode).toBe(200);
  return recorded[0]!.sourceIp;
}

describe('ping source_ip behind CloudFront', () => {
  it("is the viewer's address when CloudFront sent it with the origin secret", async () => {
    expect(await recordedSourceIp({ [VIEWER_ADDRESS_HEADER]: '198.51.100.23', [ORIGIN_SECRET_HEADER]: SECRET })).toBe(
      '198.51.100.23',
    );
    expect(await recordedSourceIp({ [VIEWER_ADDRESS_HEADER]: '2001:db8::7', [ORIGIN_SECRET_HEADER]: SECRET })).toBe(
      '2001:db8::7',
    );
  });

  it('cannot be forged by calling the API endpoint directly', async () => {
    // No secret, a wrong one, or one of the wrong length: the address API Gateway saw.
    expect(await recordedSourceIp({ [VIEWER_ADDRESS_HEADER]: '192.0.2.1' })).toBe(EDGE);
    expect(await recordedSourceIp({ [VIEWER_ADDRESS_HEADER]: '192.0.2.1', [ORIGIN_SECRET_HEADER]: 'guess' })).toBe(
      EDGE,
    );
    const sameLength = SECRET.replace(/.$/, '7');
    expect(await recordedSourceIp({ [VIEWER_ADDRESS_HEADER]: '192.0.2.1', [ORIGIN_SECRET_HEADER]: sameLength })).toBe(
      EDGE,
    );
  });

  it('ignores a header that is not an IP address, and the header altogether without CloudFront', async () => {
    expect(await recordedSourceIp({ [VIEWER_ADDRESS_HEADER]: '<script>', [ORIGIN_SECRET_HEADER]: SECRET })).toBe(EDGE);
    expect(
      await recordedSourceIp({ [VIEWER_ADDRESS_HEADER]: '198.51.100.23', [ORIGIN_SECRET_HEADER]: SECRET }, {}),
    ).toBe(EDGE);
  });
});
