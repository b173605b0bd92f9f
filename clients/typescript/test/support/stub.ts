// A stubbed fetch that answers from a script and records what was sent.
import type { TestContext } from 'node:test';

export const BASE = 'https://api.test/v1';

export interface Sent {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

type Step = Response | Error | ((sent: Sent, signal: AbortSignal) => Promise<Response>);

export class Script {
  readonly sent: Sent[] = [];
  readonly #steps: Step[];

  constructor(...steps: Step[]) {
    this.#steps = steps;
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const sent: Sent = {
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    this.sent.push(sent);
    const step = this.#steps.shift();
    if (step === undefined) throw new Error(`unexpected request ${sent.method} ${sent.url}`);
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(sent, init?.signal as AbortSignal);
    return step;
  };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function apiError(
  status: number,
  code: string,
  param: string | null = null,
  headers: Record<string, string> = {},
): Response {
  return json({ error: { code, message: `${code} happened`, param } }, status, {
    'X-Request-Id': `req-${status}`,
    ...headers,
  });
}

export function resource(id = 'res_1', overrides: Record<string, unknown> = {}) {
  return {
    id,
    object: 'resource' as const,
    name: 'n',
    description: null,
    status: 'active' as const,
    metadata: {},
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function job(status = 'pending', overrides: Record<string, unknown> = {}) {
  return {
    id: 'job_1',
    object: 'job' as const,
    type: 'resources.bulk_create' as const,
    status,
    progress: { processed: 0, total: 2 },
    result: status === 'completed' ? { created: 2, ids: ['res_a', 'res_b'] } : null,
    error: status === 'failed' ? { code: 'job_failed', message: 'boom' } : null,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: status === 'pending' ? null : '2025-01-01T00:00:01.000Z',
    completedAt: status === 'completed' || status === 'failed' ? '2025-01-01T00:00:02.000Z' : null,
    ...overrides,
  };
}

export function page(ids: string[], nextCursor: string | null = null) {
  return { object: 'list', data: ids.map((id) => resource(id)), hasMore: nextCursor !== null, nextCursor };
}

/** Replaces setTimeout (sleeps return at once, their lengths recorded) and Date.now (advanced
 * by each sleep), for this test only. */
export function fakeClock(t: TestContext): { sleeps: number[] } {
  const clock = { sleeps: [] as number[], now: 1_000_000 };
  t.mock.method(globalThis, 'setTimeout', ((callback: () => void, ms?: number) => {
    clock.sleeps.push(ms ?? 0);
    clock.now += ms ?? 0;
    queueMicrotask(callback);
    return 0 as unknown as NodeJS.Timeout;
  }) as typeof setTimeout);
  t.mock.method(Date, 'now', () => clock.now);
  return clock;
}
