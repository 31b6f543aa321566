import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  ValidationError,
  type CronSentryError,
} from '../../shared/errors';

/** The one mapping from CronSentry's errors to HTTP status codes; a subclass answers as its parent. */
const STATUS_OF: readonly (readonly [abstract new (...args: never[]) => CronSentryError, number])[] = [
  [ValidationError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
];

export function httpStatusOf(error: CronSentryError): number {
  return STATUS_OF.find(([type]) => error instanceof type)?.[1] ?? 500;
}
