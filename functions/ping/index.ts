import { awsServices, withLambdaContext } from '../aws-wiring';
import { buildPingHandler } from './handler';

const { logger, services, settings } = awsServices('ping');

export const handler = withLambdaContext(
  logger,
  buildPingHandler({
    pings: services.pings,
    clock: Date.now,
    logger,
    originSecret: settings.CRONSENTRY_ORIGIN_SECRET,
  }),
);
