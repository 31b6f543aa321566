import { awsServices } from '../aws-wiring';
import { buildEventsHandler } from './handler';

const { logger, services } = awsServices('cronsentry-events');

export const handler = buildEventsHandler({ events: services.awsEvents, clock: Date.now, logger });
