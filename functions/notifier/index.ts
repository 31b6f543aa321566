import { awsServices } from '../aws-wiring';
import { buildNotifierHandler } from './handler';

const { logger, services } = awsServices('cronsentry-notifier');

export const handler = buildNotifierHandler({ notifier: services.alerts.notifier, logger });
