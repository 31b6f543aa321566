import type { Context } from 'aws-lambda';
import type { Principal } from '../../shared/app/access';
import * as z from 'zod';
import { parseInput, UUID_PATTERN } from '../../shared/app/validation';
import { NotFoundError } from '../../shared/errors';
import type { HttpEvent, HttpResult } from '../http/responses';

/** What every management route handler receives: the request, who is calling, and the time. */
export interface RouteRequest {
  readonly event: HttpEvent;
  readonly principal: Principal;
  readonly now: number;
  /** Base URL of this deployment, for ping URLs and links. */
  readonly baseUrl: string;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  readonly path: `/api/${string}`;
  readonly handle: (request: RouteRequest) => Promise<HttpResult>;
}

/** Context carried from the auth middleware to the route. */
export interface ApiContext extends Context {
  principal?: Principal;
  requestTime?: number;
  baseUrl?: string;
}

/** A path id that is not a UUID cannot name anything: the same 404 as an unknown one. */
export function idParam(event: HttpEvent, name = 'id', what = 'resource'): string {
  const value = (event.pathParameters?.[name] ?? '').toLowerCase();
  if (!UUID_PATTERN.test(value)) throw new NotFoundError(what);
  return value;
}

/** A query parameter sent empty (`?tag=`) is one not sent. */
export function blankIsAbsent<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

const PAGE_SIZE = { default: 50, max: 200 } as const;
const LIMIT_PROBLEM = `must be a whole number from 1 to ${PAGE_SIZE.max}`;
const CURSOR_PROBLEM = 'is not one this API returned';

/** `?limit=` and `?cursor=` of every paged list (the OpenAPI document describes them from here). */
export const pageQuery = {
  limit: blankIsAbsent(
    z
      .string()
      .regex(/^\d{1,4}$/, LIMIT_PROBLEM)
      .refine((raw) => Number(raw) >= 1 && Number(raw) <= PAGE_SIZE.max, LIMIT_PROBLEM)
      .transform(Number),
  )
    .transform((limit) => limit ?? PAGE_SIZE.default)
    .meta({ description: `Items per page, 1–${PAGE_SIZE.max} (default ${PAGE_SIZE.default}).` }),
  cursor: blankIsAbsent(
    z
      .string()
      .max(1024, CURSOR_PROBLEM)
      .regex(/^[A-Za-z0-9_-]+$/, CURSOR_PROBLEM),
  ).meta({
    description: "The previous page's `next_cursor`.",
  }),
};

/** The request's query string, checked by the route's schema; a ValidationError names the parameter. */
export function queryOf<T>(event: HttpEvent, schema: z.ZodType<T>): T {
  return parseInput(schema, event.queryStringParameters ?? {});
}
