/**
 * The errors CronSentry's use cases raise, each with the machine-readable `code` its JSON error
 * carries. Which HTTP status each means is decided at the edge, in one place
 * (functions/http/error-status.ts); anything else is an internal error and says nothing about internals.
 */

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export abstract class CronSentryError extends Error {
  abstract readonly code: string;
}

export class ValidationError extends CronSentryError {
  readonly code = 'validation_failed';
  readonly field: string;
  constructor(
    readonly details: readonly FieldProblem[],
    options?: { cause?: unknown },
  ) {
    super(details.map((problem) => `${problem.field}: ${problem.message}`).join('; '), options);
    this.name = 'ValidationError';
    this.field = details[0]?.field ?? 'body';
  }

  static of(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends CronSentryError {
  readonly code = 'not_found';
  constructor(what = 'resource') {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

export class UnauthorizedError extends CronSentryError {
  readonly code = 'unauthorized';
  constructor(
    message = 'a valid API key is required (Authorization: Bearer <key> or X-Api-Key); `npm start` prints one; see README',
  ) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends CronSentryError {
  readonly code = 'forbidden';
  constructor(message = 'this API key is read-only') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class ConflictError extends CronSentryError {
  readonly code = 'conflict';
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class PayloadTooLargeError extends CronSentryError {
  readonly code = 'payload_too_large';
  constructor(limitBytes: number) {
    super(`request body is larger than ${limitBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

/** Someone else changed the item between our read and our write; the caller re-reads and retries. */
export class WriteConflictError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the item changed since it was read', options);
    this.name = 'WriteConflictError';
  }
}
