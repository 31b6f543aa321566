import { awsServices } from '../aws-wiring';
import { buildNotifierHandler } from './handler';

const { logger, services } = awsServices('notifier');

export const handler = buildNotifierHandler({ notifier: services.alerts.notifier, logger });
