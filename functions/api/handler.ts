import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { AccessService } from '../../shared/app/access';
import { conditionalGet } from '../http/conditional-get';
import { httpErrors, type ErrorLogger } from '../http/error-middleware';
import { header, type HttpEvent, type HttpResult } from '../http/responses';
import type { ApiContext, Route } from './route';

export interface ApiHandlerDeps {
  readonly access: AccessService;
  readonly routes: readonly Route[];
  readonly clock: () => number;
  readonly logger: ErrorLogger;
  /** The deployment's public URL; when unset, the request's own host is used. */
  readonly publicUrl?: string;
}

/** `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
export function presentedKey(event: HttpEvent): string | undefined {
  const authorization = header(event, 'authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  return header(event, 'x-api-key')?.trim() || undefined;
}

function requestBaseUrl(event: HttpEvent): string {
  const proto = header(event, 'x-forwarded-proto') ?? 'https';
  return `${proto}://${event.requestContext.domainName}`;
}

/**
 * The management API Lambda: authenticate the key, route, run one use case, map the result.
 * Every route sees only the caller's project; authentication happens before routing so that an
 * anonymous caller learns nothing, not even which routes exist.
 */
export function buildApiHandler(deps: ApiHandlerDeps) {
  const router = httpRouterHandler(
    deps.routes.map((route) => ({
      method: route.method,
      path: route.path,
      handler: (event: HttpEvent, context: ApiContext) =>
        route.handle({
          event,
          principal: context.principal!,
          now: context.requestTime!,
          baseUrl: context.baseUrl!,
        }),
    })),
  );

  return middy<HttpEvent, HttpResult, Error, ApiContext>()
    .use(httpErrors(deps.logger))
    .use(conditionalGet())
    .before(async (request) => {
      const now = deps.clock();
      request.context.requestTime = now;
      request.context.baseUrl = deps.publicUrl ?? requestBaseUrl(request.event);
      request.context.principal = await deps.access.authenticate(presentedKey(request.event), now);
    })
    .handler(router as unknown as (event: HttpEvent, context: ApiContext) => Promise<HttpResult>);
}
