import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withLambdaContext } from '../../functions/aws-wiring';

const context = {
  functionName: 'cronsentry-ping',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:cronsentry-ping',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

afterEach(() => vi.restoreAllMocks());

describe('withLambdaContext (every functions/*/index.ts entry point)', () => {
  it('puts the Lambda context on every log line of the invocation and returns what the handler returns', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = new Logger({ serviceName: 'cronsentry-ping' });
    const handler = withLambdaContext(logger, async (event: { n: number }) => {
      logger.info('inside the handler');
      return event.n + 1;
    });

    await expect(handler({ n: 41 }, context)).resolves.toBe(42);

    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const inside = logged.find((line) => line.message === 'inside the handler');
    expect(inside).toMatchObject({
      function_request_id: context.awsRequestId,
      function_name: 'cronsentry-ping',
      function_arn: context.invokedFunctionArn,
      cold_start: expect.any(Boolean),
    });
  });
});
