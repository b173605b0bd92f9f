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
  WebhookVerificationError,
} from './errors.js';
export { PagePromise } from './pagination.js';
export { RetryPolicy, isRetryable, parseRetryAfter } from './retry.js';
export type * from './types.js';
export type { components, paths, webhooks } from './generated/openapi.js';
export { VERSION } from './version.js';
export { signWebhook, verifyWebhook, type VerifyWebhookOptions } from './webhooks.js';
