import { awsServices } from '../aws-wiring';
import { buildApiHandler } from './handler';
import { apiRoutes } from './routes';

const { settings, logger, services } = awsServices('api');

export const handler = buildApiHandler({
  access: services.access,
  routes: apiRoutes(services, settings.CRONSENTRY_MIN_SECONDS * 1000),
  clock: Date.now,
  logger,
  publicUrl: services.publicUrl,
});
