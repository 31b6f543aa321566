import { awsServices } from '../aws-services';
import { withLambdaContext } from '../aws-wiring';
import type { HttpEvent } from '../http/responses';
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
const openapi = buildOpenApiHandler(document);

/** The OpenAPI document is public; every other route needs an API key. Badges have their own function (functions/badge). */
export const handler = withLambdaContext(logger, (event: HttpEvent, context: Parameters<typeof api>[1]) =>
  event.rawPath === OPENAPI_PATH ? openapi(event) : api(event, context),
);
