// When to retry and how long to wait (pure functions, like the Python SDK's _retry.py).

/** Seconds before the first retry, at most (full jitter). */
export const INITIAL_DELAY = 0.5;
/** The exponential backoff's cap, in seconds. */
export const MAX_DELAY = 8;
/** A longer Retry-After is not waited for: the error is thrown instead. */
export const MAX_RETRY_AFTER = 60;

/** Seconds from a Retry-After header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: () => number = Date.now): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  let seconds = Number(trimmed);
  if (Number.isNaN(seconds)) {
    const when = Date.parse(trimmed);
    if (Number.isNaN(when)) return null;
    seconds = (when - now()) / 1000;
  }
  if (!Number.isFinite(seconds)) return null;
  return Math.max(seconds, 0);
}

/** What the retry decision needs from an HTTP answer. */
export interface Answer {
  status: number;
  code: string | null;
  retryAfter: string | null;
}

/** 429, 5xx and 409 `idempotency_key_in_use`; never any other 4xx. */
export function isRetryable(answer: Answer): boolean {
  if (answer.status === 429 || answer.status >= 500) return true;
  return answer.status === 409 && answer.code === 'idempotency_key_in_use';
}

export class RetryPolicy {
  constructor(
    readonly maxRetries = 2,
    readonly random: () => number = Math.random,
    readonly initialDelay = INITIAL_DELAY,
    readonly maxDelay = MAX_DELAY,
    readonly maxRetryAfter = MAX_RETRY_AFTER,
  ) {}

  /** Full jitter: uniform in [0, min(maxDelay, initialDelay * 2**retry)) seconds. */
  backoff(retry: number): number {
    return Math.min(this.maxDelay, this.initialDelay * 2 ** retry) * this.random();
  }

  /** Seconds before retry number `retry` (from 0), or null not to retry. `answer` is
   * undefined when the request got no answer (connection error, timeout). */
  delay(retry: number, answer?: Answer): number | null {
    if (retry >= this.maxRetries) return null;
    if (answer !== undefined) {
      if (!isRetryable(answer)) return null;
      const retryAfter = parseRetryAfter(answer.retryAfter);
      if (retryAfter !== null) return retryAfter <= this.maxRetryAfter ? retryAfter : null;
    }
    return this.backoff(retry);
  }
}
