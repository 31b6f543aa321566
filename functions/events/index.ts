import { awsServices } from '../aws-wiring';
import { buildEventsHandler } from './handler';

const { logger, services } = awsServices('events');

export const handler = buildEventsHandler({ events: services.awsEvents, clock: Date.now, logger });
