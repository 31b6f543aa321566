import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '../../shared/app/logger';
import { CronSentryError, ValidationError } from '../../shared/errors';
import { CursorError } from '../../shared/storage/keys';
import { errorBody, json, type HttpEvent, type HttpResult } from './responses';

export type ErrorLogger = Pick<Logger, 'error'>;

/**
 * The one place errors become HTTP responses. Known errors say what is wrong; anything else is a
 * 500 that says nothing about internals (the log keeps the error's name and message, never the request or a stack).
 */
export function httpErrors(logger: ErrorLogger): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof ValidationError) {
        request.response = json(error.status, errorBody(error.code, error.message, error.details));
      } else if (error instanceof CursorError) {
        request.response = json(
          400,
          errorBody('validation_failed', 'cursor: ' + error.message, [{ field: 'cursor', message: error.message }]),
        );
      } else if (error instanceof CronSentryError) {
        request.response = json(error.status, errorBody(error.code, error.message));
      } else if (isRouteNotFound(error)) {
        request.response = json(404, errorBody('not_found', 'no such route'));
      } else {
        // Name and message only: no stack traces in logs, and our messages carry no secrets.
        logger.error('unhandled error', {
          errorName: (error as Error | null)?.name,
          errorMessage: (error as Error | null)?.message,
        });
        request.response = json(500, errorBody('internal', 'something went wrong on our side; it has been logged'));
      }
    },
  };
}

function isRouteNotFound(error: unknown): boolean {
  const candidate = error as { statusCode?: number; cause?: { package?: string } } | null;
  return candidate?.statusCode === 404 && candidate.cause?.package === '@middy/http-router';
}
