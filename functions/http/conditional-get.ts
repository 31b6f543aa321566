import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { header, type HttpEvent, type HttpResult } from './responses';

/**
 * The tag of a response body: a hash of its exact bytes.
 *
 * Weak (`W/"…"`), because all we promise is what `If-None-Match` needs: the same JSON means the
 * same tag. `If-None-Match` compares weakly anyway (RFC 9110 §13.1.2), the API serves no ranges
 * (the one use that needs a strong tag), and a weak tag stays true when a proxy re-encodes the
 * body (gzip), where a strong one would have to be dropped.
 */
export function bodyTag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Weak comparison (RFC 9110 §13.1.2): `W/` is ignored; `*` matches any current representation. */
export function matchesIfNoneMatch(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (value: string) => value.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => candidate.trim() === '*' || opaque(candidate) === opaque(tag));
}

/**
 * Conditional GETs at the HTTP edge, for every route at once: a successful GET carries an `ETag`,
 * and a request whose `If-None-Match` names that tag gets `304 Not Modified` with no body.
 *
 * The route still runs (the tag is a hash of the answer), so a 304 saves the transfer and the
 * client's re-rendering, not the reads behind the answer. Runs after authentication and routing,
 * so a 304 is never given to a caller who could not see the body.
 */
export function conditionalGet(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    after: async (request) => {
      const response = request.response;
      if (request.event.requestContext.http.method !== 'GET') return;
      if (!response || response.statusCode !== 200 || typeof response.body !== 'string' || response.isBase64Encoded) {
        return;
      }
      const tag = bodyTag(response.body);
      const headers: NonNullable<HttpResult['headers']> = { ...response.headers, etag: tag };
      if (matchesIfNoneMatch(header(request.event, 'if-none-match'), tag)) {
        // A 304 repeats the validator and caching headers, but carries no body and no content type.
        delete headers['content-type'];
        request.response = { statusCode: 304, headers };
      } else {
        request.response = { ...response, headers };
      }
    },
  };
}
