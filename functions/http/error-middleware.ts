import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '../../shared/app/logger';
import { CronSentryError, ValidationError } from '../../shared/errors';
import { CursorError } from '../../shared/storage/keys';
import { httpStatusOf } from './error-status';
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
        request.response = json(httpStatusOf(error), errorBody(error.code, error.message, error.details));
      } else if (error instanceof CursorError) {
        request.response = json(
          400,
          errorBody('validation_failed', 'cursor: ' + error.message, [{ field: 'cursor', message: error.message }]),
        );
      } else if (isStoreValidation(error)) {
        // DynamoDB refused a value that came from the request (a key too long, a malformed start
        // key): the caller's mistake, so a 400, not a 500 that would feed the 5xx alarm.
        logger.error('store refused a request value', { errorName: 'ValidationException' });
        request.response = json(
          400,
          errorBody('validation_failed', 'request: a value in the request cannot be used', [
            { field: 'request', message: 'a value in the request cannot be used' },
          ]),
        );
      } else if (error instanceof CronSentryError) {
        request.response = json(httpStatusOf(error), errorBody(error.code, error.message));
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

/** DynamoDB's (and dynalite's) answer to an input it cannot take; a client fault, never ours to retry. */
function isStoreValidation(error: unknown): boolean {
  const candidate = error as { name?: string; $fault?: string } | null;
  return candidate?.name === 'ValidationException' && candidate.$fault === 'client';
}

function isRouteNotFound(error: unknown): boolean {
  const candidate = error as { statusCode?: number; cause?: { package?: string } } | null;
  return candidate?.statusCode === 404 && candidate.cause?.package === '@middy/http-router';
}
