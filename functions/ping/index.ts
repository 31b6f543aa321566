import { awsServices } from '../aws-wiring';
import { buildPingHandler } from './handler';

const { logger, services } = awsServices('ping');

export const handler = buildPingHandler({ pings: services.pings, clock: Date.now, logger });
