import { awsServices, withLambdaContext } from '../aws-wiring';
import { buildNotifierHandler } from './handler';

const { logger, services } = awsServices('notifier');

export const handler = withLambdaContext(logger, buildNotifierHandler({ notifier: services.alerts.notifier, logger }));
