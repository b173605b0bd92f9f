import { randomUUID } from 'node:crypto';

import { APIConnectionError, APITimeoutError, PlinthError, errorFromResponse } from './errors.js';
import { RetryPolicy } from './retry.js';
import { VERSION } from './version.js';

export interface ClientOptions {
  /** Defaults to the PLINTH_API_KEY environment variable. */
  apiKey?: string | undefined;
  /** Including `/v1`, e.g. `https://api.example.com/v1`; defaults to PLINTH_BASE_URL. */
  baseURL?: string | undefined;
  /** Milliseconds per attempt (default 30,000). */
  timeout?: number | undefined;
  /** Retries after the first attempt (default 2); 0 disables them. */
  maxRetries?: number | undefined;
  /** A `fetch` of your own (proxies, tests); defaults to the global one. */
  fetch?: typeof fetch | undefined;
}

export type Query = Record<string, string | number | null | undefined>;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query | undefined;
  body?: unknown;
  idempotencyKey?: string | undefined;
}

function env(name: string): string | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env?.[name];
  return value === '' ? undefined : value;
}

/** Sleeps through the global setTimeout, looked up at each call. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An id as one path segment: `/` or `?` in it can never reach another route. */
export function pathId(id: string): string {
  if (typeof id !== 'string' || id === '') throw new TypeError('id must be a non-empty string');
  return encodeURIComponent(id);
}

export class APIClient {
  readonly apiKey: string;
  readonly baseURL: string;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly #fetch: typeof fetch;
  readonly #policy: RetryPolicy;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? env('PLINTH_API_KEY');
    if (!apiKey) throw new PlinthError('no API key: pass apiKey or set PLINTH_API_KEY');
    const baseURL = options.baseURL ?? env('PLINTH_BASE_URL');
    if (!baseURL) {
      throw new PlinthError(
        'no base URL: pass baseURL or set PLINTH_BASE_URL (e.g. https://api.example.com/v1)',
      );
    }
    const maxRetries = options.maxRetries ?? 2;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new RangeError('maxRetries must be an integer >= 0');
    }
    this.apiKey = apiKey;
    this.baseURL = baseURL.replace(/\/+$/, '');
    this.timeout = options.timeout ?? 30_000;
    this.maxRetries = maxRetries;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#policy = new RetryPolicy(maxRetries);
  }

  /** One API call with retries; resolves to the decoded JSON body (undefined for 204). */
  async request<T>(spec: RequestSpec): Promise<T> {
    const url = new URL(this.baseURL + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== null && value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.apiKey}`,
      Accept: 'application/json',
      'User-Agent': `plinth-node/${VERSION}`,
    };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.method === 'POST') {
      // One key per call, reused by every retry of it: a retry never creates twice.
      headers['Idempotency-Key'] = spec.idempotencyKey ?? randomUUID();
    }
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);

    for (let retry = 0; ; retry++) {
      let failure: PlinthError;
      let delay: number | null;
      try {
        const response = await this.#fetch(url, {
          method: spec.method,
          headers,
          body,
          signal: AbortSignal.timeout(this.timeout),
        });
        const text = await response.text();
        if (response.ok) {
          return parseSuccess<T>(response.status, text);
        }
        const error = errorFromResponse(
          response.status,
          response.statusText,
          response.headers,
          text,
        );
        failure = error;
        delay = this.#policy.delay(retry, {
          status: response.status,
          code: error.code,
          retryAfter: response.headers.get('retry-after'),
        });
      } catch (error) {
        if (error instanceof PlinthError) throw error;
        failure = isTimeout(error)
          ? new APITimeoutError({ cause: error })
          : new APIConnectionError(`Connection error: ${String(error)}`, { cause: error });
        delay = this.#policy.delay(retry);
      }
      if (delay === null) throw failure;
      await sleep(delay * 1000);
    }
  }
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function parseSuccess<T>(status: number, text: string): T {
  if (status === 204 || text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new PlinthError(`${status} response is not JSON: ${JSON.stringify(text.slice(0, 200))}`, {
      cause,
    });
  }
}
