import { awsServices, withLambdaContext } from '../aws-wiring';
import type { HttpEvent } from '../http/responses';
import { buildBadgeHandler } from './badge-handler';
import { buildApiHandler } from './handler';
import { buildOpenApiHandler, OPENAPI_PATH } from './openapi-handler';
import { apiRoutes } from './routes';
import document from '../../contract/openapi.json';

const { settings, logger, services } = awsServices('api');

const api = buildApiHandler({
  access: services.access,
  routes: apiRoutes(services, settings.CRONSENTRY_MIN_SECONDS * 1000),
  clock: Date.now,
  logger,
  publicUrl: services.publicUrl,
});
const badges = buildBadgeHandler({ badges: services.badges, clock: Date.now, logger });
const openapi = buildOpenApiHandler(document);

/** Badges (their key is the capability) and the OpenAPI document are public; every other route needs an API key. */
export const handler = withLambdaContext(logger, (event: HttpEvent, context: Parameters<typeof api>[1]) =>
  event.rawPath.startsWith('/badge/')
    ? badges(event, context)
    : event.rawPath === OPENAPI_PATH
      ? openapi(event)
      : api(event, context),
);
