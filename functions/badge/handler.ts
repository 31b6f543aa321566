import middy from '@middy/core';
import { makeBadge } from 'badge-maker';
import {
  BADGE_FORMATS,
  type BadgeFormat,
  type BadgeSelector,
  type BadgeService,
  type BadgeStatus,
} from '../../shared/app/badges';
import { isUniqueKey } from '../../shared/domain/unique-key';
import { NotFoundError } from '../../shared/errors';
import { httpErrors, type ErrorLogger } from '../http/error-middleware';
import { json, type HttpEvent, type HttpResult } from '../http/responses';

export interface BadgeHandlerDeps {
  readonly badges: BadgeService;
  readonly clock: () => number;
  readonly logger: ErrorLogger;
}

/** Healthchecks' colours: Shields' names in the endpoint JSON, the same hues in the SVG. */
const SHIELDS_COLOR = { up: 'success', late: 'important', down: 'critical' } as const;
const SVG_COLOR = { up: 'brightgreen', late: 'orange', down: 'red' } as const;
/** Badges are embedded in READMEs and dashboards elsewhere; they must be fresh, and anyone may read them. */
const BADGE_HEADERS = {
  'cache-control': 'max-age=0, no-cache, no-store, must-revalidate, private',
  'access-control-allow-origin': '*',
};

/** The badge URLs parseBadgePath understands, one per format and shape (for the OpenAPI document). */
export const BADGE_ROUTES: readonly { readonly path: string; readonly summary: string }[] = BADGE_FORMATS.flatMap(
  (format) => [
    { path: `/badge/{badge_key}/{tag}.${format}`, summary: `The ${format} badge of every job (\`*\`) or of a tag` },
    { path: `/badge/{badge_key}/job/{unique_key}.${format}`, summary: `The ${format} badge of one job` },
  ],
);

/**
 * `/badge/<badge key>/<tag>.<svg|json|shields>`: `*` for every job, a tag (URL-encoded), or
 * `job/<unique key>` for one job. Anything that does not verify is a plain 404.
 */
export function parseBadgePath(
  path: string,
): { badgeKey: string; selector: BadgeSelector; format: BadgeFormat } | undefined {
  const parts = path.split('/').slice(1);
  if (parts[0] !== 'badge' || parts.length < 3 || parts.length > 4) return undefined;
  const last = parts[parts.length - 1]!;
  const dot = last.lastIndexOf('.');
  const format = last.slice(dot + 1) as BadgeFormat;
  if (dot < 1 || !BADGE_FORMATS.includes(format)) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(last.slice(0, dot));
  } catch {
    return undefined;
  }
  const badgeKey = parts[1]!;
  if (parts.length === 4) {
    return parts[2] === 'job' && isUniqueKey(name) ? { badgeKey, selector: { uniqueKey: name }, format } : undefined;
  }
  return { badgeKey, selector: name === '*' ? { all: true } : { tag: name }, format };
}

function render(badge: BadgeStatus, format: BadgeFormat): HttpResult {
  if (format === 'shields') {
    const body = { schemaVersion: 1, label: badge.label, message: badge.status, color: SHIELDS_COLOR[badge.status] };
    return withHeaders(json(200, body));
  }
  if (format === 'json') {
    return withHeaders(json(200, { status: badge.status, total: badge.total, grace: badge.grace, down: badge.down }));
  }
  const svg = makeBadge({ label: badge.label, message: badge.status, color: SVG_COLOR[badge.status] });
  return { statusCode: 200, headers: { 'content-type': 'image/svg+xml', ...BADGE_HEADERS }, body: svg };
}

function withHeaders(result: HttpResult): HttpResult {
  return { ...result, headers: { ...result.headers, ...BADGE_HEADERS } };
}

/** The badge route: public (the badge key is the capability), read-only, GET and HEAD. */
export function buildBadgeHandler(deps: BadgeHandlerDeps) {
  return middy<HttpEvent, HttpResult>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      const method = event.requestContext.http.method.toUpperCase();
      const parsed = parseBadgePath(event.rawPath ?? event.requestContext.http.path);
      if (!parsed || (method !== 'GET' && method !== 'HEAD')) throw new NotFoundError('badge');
      const result = render(await deps.badges.status(parsed.badgeKey, parsed.selector, deps.clock()), parsed.format);
      return method === 'HEAD' ? { ...result, body: '' } : result;
    });
}
