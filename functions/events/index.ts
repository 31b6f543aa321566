import { awsServices } from '../aws-services';
import { withLambdaContext } from '../aws-wiring';
import { buildEventsHandler } from './handler';

const { logger, services } = awsServices('events');

export const handler = withLambdaContext(
  logger,
  buildEventsHandler({ events: services.awsEvents, clock: Date.now, logger }),
);
