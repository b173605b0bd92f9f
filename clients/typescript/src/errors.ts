import type { Job, JobError } from './types.js';
import { parseRetryAfter } from './retry.js';

/** Base class of every error this package throws. */
export class PlinthError extends Error {
  override name = 'PlinthError';
}

/** The request never got an HTTP answer (DNS, refused connection, reset, ...). */
export class APIConnectionError extends PlinthError {
  override name = 'APIConnectionError';
  constructor(message = 'Connection error.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The request timed out. */
export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError';
  constructor(options?: { cause?: unknown }) {
    super('Request timed out.', options);
  }
}

/** The API answered with an error status; its body is `{ error: { code, message, param } }`. */
export class APIStatusError extends PlinthError {
  override name = 'APIStatusError';
  readonly statusCode: number;
  readonly code: string | null;
  readonly param: string | null;
  readonly requestId: string | null;
  readonly headers: Headers;
  readonly body: unknown;

  constructor(
    statusCode: number,
    headers: Headers,
    body: unknown,
    message: string,
    code: string | null,
    param: string | null,
  ) {
    super(message);
    this.statusCode = statusCode;
    this.headers = headers;
    this.body = body;
    this.code = code;
    this.param = param;
    this.requestId = headers.get('x-request-id');
  }
}

/** 400 `invalid_json`. */
export class BadRequestError extends APIStatusError {
  override name = 'BadRequestError';
}
/** 401 `unauthorized`. */
export class AuthenticationError extends APIStatusError {
  override name = 'AuthenticationError';
}
/** 403 `forbidden`. */
export class PermissionDeniedError extends APIStatusError {
  override name = 'PermissionDeniedError';
}
/** 404 `not_found`. */
export class NotFoundError extends APIStatusError {
  override name = 'NotFoundError';
}
/** 409 `idempotency_key_in_use`. */
export class ConflictError extends APIStatusError {
  override name = 'ConflictError';
}
/** 422 `validation_error`, `idempotency_key_reused`. */
export class UnprocessableEntityError extends APIStatusError {
  override name = 'UnprocessableEntityError';
}
/** 429 `rate_limited`; `retryAfter` in seconds, from the Retry-After header. */
export class RateLimitError extends APIStatusError {
  override name = 'RateLimitError';
  get retryAfter(): number | null {
    return parseRetryAfter(this.headers.get('retry-after'));
  }
}
/** 5xx: `internal_error`, `service_unavailable`. */
export class InternalServerError extends APIStatusError {
  override name = 'InternalServerError';
}

/** `jobs.wait` found the job failed; `error` is the job's `{ code, message }`. */
export class JobFailedError extends PlinthError {
  override name = 'JobFailedError';
  readonly job: Job;
  readonly error: JobError;
  readonly code: string;
  constructor(job: Job) {
    // SPEC §8: a failed job carries its error; should one not, the failure still surfaces.
    const error = job.error ?? { code: 'unknown', message: 'the job failed without an error' };
    super(`job ${job.id} failed: ${error.code}: ${error.message}`);
    this.job = job;
    this.error = error;
    this.code = error.code;
  }
}

/** `jobs.wait` gave up before the job finished; `job` is the last state seen. */
export class JobWaitTimeoutError extends PlinthError {
  override name = 'JobWaitTimeoutError';
  readonly job: Job;
  constructor(job: Job, timeoutMs: number) {
    super(`job ${job.id} still ${job.status} after ${timeoutMs} ms`);
    this.job = job;
  }
}

/** `verifyWebhook` refused a delivery: a header missing, a timestamp too far from now, no
 * matching `v1` signature, or a body that is not a JSON object; answer it with 400. Also
 * thrown for a secret that is not `whsec_` and base64. */
export class WebhookVerificationError extends PlinthError {
  override name = 'WebhookVerificationError';
}

const BY_STATUS: Record<number, typeof APIStatusError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The API's error body `{ error: { code, message, param } }`, or null for any other text. */
export function errorDetail(
  text: string,
): { body: unknown; code: string | null; message: string | null; param: string | null } {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    return { body, code: null, message: null, param: null };
  }
  const detail =
    typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof detail !== 'object' || detail === null) {
    return { body, code: null, message: null, param: null };
  }
  const { code, message, param } = detail as Record<string, unknown>;
  return {
    body,
    code: typeof code === 'string' ? code : null,
    message: typeof message === 'string' ? message : null,
    param: typeof param === 'string' ? param : null,
  };
}

export function errorFromResponse(
  status: number,
  statusText: string,
  headers: Headers,
  text: string,
): APIStatusError {
  const { body, code, message, param } = errorDetail(text);
  const Class = status >= 500 ? InternalServerError : (BY_STATUS[status] ?? APIStatusError);
  const shown = message ?? (code === null && text ? text : statusText || `HTTP ${status}`);
  return new Class(status, headers, body, shown, code, param);
}
