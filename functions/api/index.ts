import { awsServices, withLambdaContext } from '../aws-wiring';
import type { HttpEvent } from '../http/responses';
import { buildBadgeHandler } from './badge-handler';
import { buildApiHandler } from './handler';
import { apiRoutes } from './routes';

const { settings, logger, services } = awsServices('api');

const api = buildApiHandler({
  access: services.access,
  routes: apiRoutes(services, settings.CRONSENTRY_MIN_SECONDS * 1000),
  clock: Date.now,
  logger,
  publicUrl: services.publicUrl,
});
const badges = buildBadgeHandler({ badges: services.badges, clock: Date.now, logger });

/** Badges are public (their key is the capability); every other route needs an API key. */
export const handler = withLambdaContext(logger, (event: HttpEvent, context: Parameters<typeof api>[1]) =>
  event.rawPath.startsWith('/badge/') ? badges(event, context) : api(event, context),
);
