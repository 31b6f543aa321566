import type { Context } from 'aws-lambda';
import type { Principal } from '../../shared/app/access';
import { UUID_PATTERN } from '../../shared/app/validation';
import { NotFoundError, ValidationError } from '../../shared/errors';
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

export function limitParam(event: HttpEvent, fallback = 50, max = 200): number {
  const raw = event.queryStringParameters?.limit;
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw ValidationError.of('limit', `must be a whole number from 1 to ${max}`);
  }
  return Number(raw);
}

export function cursorParam(event: HttpEvent): string | undefined {
  const raw = event.queryStringParameters?.cursor;
  if (raw === undefined || raw === '') return undefined;
  if (raw.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(raw))
    throw ValidationError.of('cursor', 'is not one this API returned');
  return raw;
}
