export { Plinth } from './client.js';
export type { ClientOptions } from './core.js';
export {
  APIConnectionError,
  APIStatusError,
  APITimeoutError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  JobFailedError,
  JobWaitTimeoutError,
  NotFoundError,
  PermissionDeniedError,
  PlinthError,
  RateLimitError,
  UnprocessableEntityError,
} from './errors.js';
export { PagePromise } from './pagination.js';
export { RetryPolicy, isRetryable, parseRetryAfter } from './retry.js';
export type * from './types.js';
export type { components, paths } from './generated/openapi.js';
export { VERSION } from './version.js';
