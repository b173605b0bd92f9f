import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';

import {
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
  PagePromise,
  PermissionDeniedError,
  Plinth,
  PlinthError,
  RateLimitError,
  UnprocessableEntityError,
  VERSION,
  type Resource,
} from '@plinth/client';

import { BASE, Script, apiError, fakeClock, job, json, page, resource } from '../support/stub.js';

const client = (script: Script, options: { maxRetries?: number; timeout?: number } = {}) =>
  new Plinth({ apiKey: 'sk_test', baseURL: BASE, fetch: script.fetch, ...options });

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('retries through the client', () => {
  test('429 is retried after exactly Retry-After', async (t) => {
    const clock = fakeClock(t);
    const script = new Script(
      apiError(429, 'rate_limited', null, { 'Retry-After': '1' }),
      apiError(429, 'rate_limited', null, { 'Retry-After': '2' }),
      json(resource(), 201),
    );
    const created = await client(script).resources.create({ name: 'n' });
    assert.equal(created.id, 'res_1');
    assert.equal(script.sent.length, 3);
    assert.deepEqual(clock.sleeps, [1000, 2000]);
  });

  test('5xx backs off with full jitter and gives up after maxRetries', async (t) => {
    const clock = fakeClock(t);
    const script = new Script(...Array.from({ length: 4 }, () => apiError(500, 'internal_error')));
    await assert.rejects(client(script, { maxRetries: 3 }).resources.get('res_1'), InternalServerError);
    assert.equal(script.sent.length, 4);
    assert.equal(clock.sleeps.length, 3);
    clock.sleeps.forEach((ms, n) => assert.ok(ms >= 0 && ms < 500 * 2 ** n, `${ms} for retry ${n}`));
  });

  test('maxRetries 0 disables retries', async (t) => {
    const clock = fakeClock(t);
    const script = new Script(apiError(503, 'service_unavailable', null, { 'Retry-After': '1' }));
    await assert.rejects(client(script, { maxRetries: 0 }).resources.get('res_1'), InternalServerError);
    assert.equal(script.sent.length, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  test('other 4xx are never retried', async (t) => {
    const clock = fakeClock(t);
    const script = new Script(apiError(422, 'validation_error', 'name'));
    const error = await client(script, { maxRetries: 5 })
      .resources.create({ name: '' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof UnprocessableEntityError);
    assert.equal(error.param, 'name');
    assert.equal(script.sent.length, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  test('409 idempotency_key_in_use is retried with the same key; another 409 is not', async (t) => {
    fakeClock(t);
    const script = new Script(
      apiError(409, 'idempotency_key_in_use', null, { 'Retry-After': '1' }),
      json(resource(), 201),
      apiError(409, 'conflict'),
    );
    const sdk = client(script);
    await sdk.resources.create({ name: 'n' }, { idempotencyKey: 'my-key' });
    assert.deepEqual(
      script.sent.map((s) => s.headers['idempotency-key']),
      ['my-key', 'my-key'],
    );
    await assert.rejects(sdk.resources.create({ name: 'n' }), ConflictError);
    assert.equal(script.sent.length, 3);
  });

  test('one generated UUID4 Idempotency-Key is reused across every retry of a call', async (t) => {
    fakeClock(t);
    const script = new Script(
      new TypeError('fetch failed'),
      apiError(500, 'internal_error'),
      json(resource(), 201),
      json(resource('res_2'), 201),
    );
    const sdk = client(script);
    await sdk.resources.create({ name: 'n' });
    await sdk.resources.create({ name: 'n' });
    const keys = script.sent.map((s) => s.headers['idempotency-key'] ?? '');
    assert.equal(keys[0], keys[1]);
    assert.equal(keys[1], keys[2]);
    assert.notEqual(keys[3], keys[0]);
    for (const key of keys) assert.match(key, UUID4);
  });

  test('every POST carries a key and no other method does', async (t) => {
    fakeClock(t);
    const script = new Script(
      json(resource(), 201),
      json(job(), 202),
      json(job('pending', { type: 'resources.export' }), 202),
      json(resource()),
      json(resource()),
      new Response(null, { status: 204 }),
    );
    const sdk = client(script);
    await sdk.resources.create({ name: 'n' });
    await sdk.resources.bulkCreate([{ name: 'a' }]);
    await sdk.resources.export();
    await sdk.resources.get('res_1');
    await sdk.resources.update('res_1', { name: 'm' });
    await sdk.resources.delete('res_1');
    assert.deepEqual(
      script.sent.filter((s) => 'idempotency-key' in s.headers).map((s) => s.method),
      ['POST', 'POST', 'POST'],
    );
  });

  test('connection errors are retried, then thrown as APIConnectionError', async (t) => {
    const clock = fakeClock(t);
    const cause = new TypeError('fetch failed');
    const script = new Script(cause, cause, cause);
    const error = await client(script).resources.get('res_1').catch((e: unknown) => e);
    assert.ok(error instanceof APIConnectionError);
    assert.ok(!(error instanceof APITimeoutError));
    assert.equal(error.cause, cause);
    assert.equal(script.sent.length, 3);
    assert.equal(clock.sleeps.length, 2);
  });

  test('a request that outlives the timeout is aborted, retried, then APITimeoutError', async () => {
    const hang = (_: unknown, signal: AbortSignal) =>
      new Promise<Response>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    const script = new Script(hang, hang);
    const started = Date.now();
    // A real fetch holds a socket open; this stub holds nothing, and AbortSignal.timeout's
    // timer does not keep the event loop alive on its own.
    const keepAlive = setInterval(() => {}, 1000);
    const error = await client(script, { timeout: 50, maxRetries: 1 })
      .resources.get('res_1')
      .catch((e: unknown) => e)
      .finally(() => clearInterval(keepAlive));
    assert.ok(error instanceof APITimeoutError, String(error));
    assert.equal(script.sent.length, 2);
    assert.ok(Date.now() - started >= 100);
  });

  test('RateLimitError exposes retryAfter in seconds', async () => {
    const script = new Script(apiError(429, 'rate_limited', null, { 'Retry-After': '2' }));
    const error = await client(script, { maxRetries: 0 }).resources.list().catch((e: unknown) => e);
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.retryAfter, 2);
    assert.equal(error.statusCode, 429);
  });
});

describe('errors', () => {
  const cases: [number, string, Function][] = [
    [400, 'invalid_json', BadRequestError],
    [401, 'unauthorized', AuthenticationError],
    [403, 'forbidden', PermissionDeniedError],
    [404, 'not_found', NotFoundError],
    [405, 'method_not_allowed', APIStatusError],
    [409, 'idempotency_key_in_use', ConflictError],
    [413, 'payload_too_large', APIStatusError],
    [422, 'validation_error', UnprocessableEntityError],
    [422, 'idempotency_key_reused', UnprocessableEntityError],
    [429, 'rate_limited', RateLimitError],
    [500, 'internal_error', InternalServerError],
    [503, 'service_unavailable', InternalServerError],
  ];
  for (const [status, code, Class] of cases) {
    test(`${status} ${code} -> ${Class.name}`, async () => {
      const script = new Script(apiError(status, code, 'name'));
      const error = await client(script, { maxRetries: 0 })
        .resources.create({ name: 'n' })
        .catch((e: unknown) => e);
      assert.equal((error as object).constructor, Class);
      assert.ok(error instanceof APIStatusError && error instanceof PlinthError && error instanceof Error);
      assert.equal(error.statusCode, status);
      assert.equal(error.code, code);
      assert.equal(error.param, 'name');
      assert.equal(error.message, `${code} happened`);
      assert.equal(error.requestId, `req-${status}`);
      assert.equal(error.name, Class.name);
    });
  }

  test('a body that is not the API shape still maps by status', async () => {
    const script = new Script(
      new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
      new Response(null, { status: 403, statusText: 'Forbidden' }),
    );
    const sdk = client(script, { maxRetries: 0 });
    const gateway = await sdk.resources.get('res_1').catch((e: unknown) => e);
    assert.ok(gateway instanceof InternalServerError);
    assert.equal(gateway.code, null);
    assert.equal(gateway.message, '<html>Bad Gateway</html>');
    const denied = await sdk.resources.get('res_1').catch((e: unknown) => e);
    assert.ok(denied instanceof PermissionDeniedError);
    assert.equal(denied.message, 'Forbidden');
  });

  test('a success that is not JSON is a PlinthError, not retried', async () => {
    const script = new Script(new Response('<html>', { status: 200 }));
    await assert.rejects(client(script).resources.get('res_1'), /not JSON/);
    assert.equal(script.sent.length, 1);
  });
});

describe('configuration', () => {
  test('apiKey and baseURL default to PLINTH_API_KEY and PLINTH_BASE_URL', async () => {
    const saved = { ...process.env };
    process.env.PLINTH_API_KEY = 'sk_env';
    process.env.PLINTH_BASE_URL = 'https://env.test/v1/';
    try {
      const script = new Script(json(resource()));
      await new Plinth({ fetch: script.fetch }).resources.get('res_1');
      const sent = script.sent[0]!;
      assert.equal(String(sent.url), 'https://env.test/v1/resources/res_1');
      assert.equal(sent.headers.authorization, 'Bearer sk_env');
      assert.equal(sent.headers['user-agent'], `plinth-node/${VERSION}`);
      delete process.env.PLINTH_API_KEY;
      assert.throws(() => new Plinth({ baseURL: BASE }), /PLINTH_API_KEY/);
      delete process.env.PLINTH_BASE_URL;
      assert.throws(() => new Plinth({ apiKey: 'sk' }), /PLINTH_BASE_URL/);
      assert.throws(() => new Plinth({ apiKey: 'sk', baseURL: BASE, maxRetries: -1 }), RangeError);
    } finally {
      process.env = saved;
    }
  });

  test('VERSION is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    assert.equal(VERSION, pkg.version);
  });

  test('the CommonJS build exports the same surface', async () => {
    const cjs = createRequire(import.meta.url)('@plinth/client');
    const esm = await import('@plinth/client');
    assert.deepEqual(Object.keys(cjs).sort(), Object.keys(esm).sort());
    assert.equal(typeof cjs.Plinth, 'function');
    assert.notEqual(cjs.Plinth, esm.Plinth);
  });
});

describe('resources', () => {
  test('create, get, update, delete send the right requests', async () => {
    const script = new Script(
      json(resource('res_1', { metadata: { k: 'v' } }), 201),
      json(resource()),
      json(resource()),
      json(resource()),
      new Response(null, { status: 204 }),
    );
    const sdk = client(script);
    const created: Resource = await sdk.resources.create({ name: 'n', metadata: { k: 'v' } });
    assert.deepEqual(created.metadata, { k: 'v' });
    await sdk.resources.get('res_1');
    await sdk.resources.update('res_1', { description: null });
    await sdk.resources.update('res_1', { status: 'paused', name: undefined });
    assert.equal(await sdk.resources.delete('res_1'), undefined);
    assert.deepEqual(
      script.sent.map((s) => [s.method, s.url.pathname, s.body]),
      [
        ['POST', '/v1/resources', { name: 'n', metadata: { k: 'v' } }],
        ['GET', '/v1/resources/res_1', undefined],
        ['PATCH', '/v1/resources/res_1', { description: null }],
        ['PATCH', '/v1/resources/res_1', { status: 'paused' }],
        ['DELETE', '/v1/resources/res_1', undefined],
      ],
    );
    assert.equal(script.sent[0]!.headers['content-type'], 'application/json');
  });

  test('ids are one path segment', async () => {
    const script = new Script(apiError(404, 'not_found'));
    await assert.rejects(client(script).resources.get('../jobs?x=1'), NotFoundError);
    assert.equal(script.sent[0]!.url.pathname, '/v1/resources/..%2Fjobs%3Fx%3D1');
    assert.throws(() => client(script).resources.get(''), TypeError);
  });

  test('bulkCreate and export return jobs', async () => {
    const script = new Script(json(job(), 202), json(job(), 202), json(job(), 202));
    const sdk = client(script);
    const bulk = await sdk.resources.bulkCreate([{ name: 'a' }, { name: 'b', description: 'd' }]);
    assert.equal(bulk.type, 'resources.bulk_create');
    await sdk.resources.export({ status: 'paused' }, { idempotencyKey: 'exp-1' });
    await sdk.resources.export();
    assert.deepEqual(
      script.sent.map((s) => [s.url.pathname, s.body]),
      [
        ['/v1/resources/bulk', { resources: [{ name: 'a' }, { name: 'b', description: 'd' }] }],
        ['/v1/resources/export', { status: 'paused' }],
        ['/v1/resources/export', {}],
      ],
    );
    assert.equal(script.sent[1]!.headers['idempotency-key'], 'exp-1');
  });
});

describe('paging', () => {
  test('awaiting list() resolves to exactly { object, data, hasMore, nextCursor }', async () => {
    const script = new Script(json({ ...page(['res_2', 'res_1'], 'c1'), extra: 1 }));
    const listed = await client(script).resources.list({ limit: 2, status: 'active' });
    assert.deepEqual(Object.keys(listed).sort(), ['data', 'hasMore', 'nextCursor', 'object']);
    assert.equal(listed.object, 'list');
    assert.deepEqual(listed.data.map((r) => r.id), ['res_2', 'res_1']);
    assert.equal(listed.hasMore, true);
    assert.equal(listed.nextCursor, 'c1');
    assert.deepEqual(Object.fromEntries(script.sent[0]!.url.searchParams), { limit: '2', status: 'active' });
  });

  test('the seed snippet runs unchanged (with `let response` before the loop)', async () => {
    const script = new Script(
      json(page(['res_5', 'res_4'], 'c1')),
      json(page(['res_3', 'res_2'], 'c2')),
      json(page(['res_1'])),
    );
    const client = new Plinth({ apiKey: 'sk', baseURL: BASE, fetch: script.fetch });
    const seen: string[] = [];
    const process = (data: Resource[]) => seen.push(...data.map((r) => r.id));

    let response
    let cursor: string | null = null
    do {
      response = await client.resources.list({ limit: 100, cursor })
      process(response.data)
      cursor = response.nextCursor
    } while (response.hasMore)

    assert.deepEqual(seen, ['res_5', 'res_4', 'res_3', 'res_2', 'res_1']);
    assert.deepEqual(
      script.sent.map((s) => s.url.search),
      ['?limit=100', '?limit=100&cursor=c1', '?limit=100&cursor=c2'],
    );
  });

  test('for await walks every page, keeping limit and filter, fetching lazily', async () => {
    const script = new Script(
      json(page(['res_5', 'res_4'], 'c1')),
      json(page(['res_3', 'res_2'], 'c2')),
      json(page(['res_1'])),
    );
    const listing = client(script).resources.list({ limit: 2, status: 'paused' });
    assert.ok(listing instanceof PagePromise);
    assert.equal(script.sent.length, 0, 'nothing is sent before it is awaited or iterated');
    const seen: string[] = [];
    for await (const r of listing) {
      seen.push(r.id);
      if (r.id === 'res_4') assert.equal(script.sent.length, 1, 'next page only when reached');
    }
    assert.deepEqual(seen, ['res_5', 'res_4', 'res_3', 'res_2', 'res_1']);
    assert.deepEqual(
      script.sent.map((s) => Object.fromEntries(s.url.searchParams)),
      [
        { limit: '2', status: 'paused' },
        { limit: '2', status: 'paused', cursor: 'c1' },
        { limit: '2', status: 'paused', cursor: 'c2' },
      ],
    );
  });

  test('awaiting and iterating the same listing sends the first request once', async () => {
    const script = new Script(json(page(['res_2'], 'c1')), json(page(['res_1'])));
    const listing = client(script).resources.list({ cursor: 'c0' });
    const first = await listing;
    const all: string[] = [];
    for await (const r of listing) all.push(r.id);
    assert.deepEqual(first.data.map((r) => r.id), ['res_2']);
    assert.deepEqual(all, ['res_2', 'res_1']);
    assert.deepEqual(script.sent.map((s) => s.url.searchParams.get('cursor')), ['c0', 'c1']);
  });

  test('errors reach catch() and finally()', async () => {
    const script = new Script(apiError(401, 'unauthorized'));
    let finished = false;
    const caught = await client(script)
      .resources.list()
      .finally(() => {
        finished = true;
      })
      .catch((e: unknown) => e);
    assert.ok(caught instanceof AuthenticationError);
    assert.ok(finished);
    assert.equal(Object.prototype.toString.call(client(script).jobs.list()), '[object PagePromise]');
  });

  test('jobs.list pages too', async () => {
    const script = new Script(
      json({ object: 'list', data: [job('pending', { id: 'job_2' })], hasMore: true, nextCursor: 'j' }),
      json({ object: 'list', data: [job()], hasMore: false, nextCursor: null }),
    );
    const ids: string[] = [];
    for await (const j of client(script).jobs.list({ limit: 1, status: 'pending' })) ids.push(j.id);
    assert.deepEqual(ids, ['job_2', 'job_1']);
    assert.equal(script.sent[1]!.url.pathname, '/v1/jobs');
    assert.equal(script.sent[1]!.url.search, '?limit=1&cursor=j&status=pending');
  });
});

describe('events', () => {
  test('get and list page with the type filter', async () => {
    const event = (id: string) => ({
      id,
      object: 'event',
      type: 'resource.created',
      createdAt: '2025-01-01T00:00:00.000Z',
      data: { object: resource() },
    });
    const script = new Script(
      json(event('evt_1')),
      json({ object: 'list', data: [event('evt_2')], hasMore: true, nextCursor: 'e' }),
      json({ object: 'list', data: [event('evt_1')], hasMore: false, nextCursor: null }),
    );
    const sdk = client(script);
    const one = await sdk.events.get('evt_1');
    assert.equal(one.type, 'resource.created');
    assert.equal(one.data.object['object'], 'resource');
    const ids: string[] = [];
    for await (const e of sdk.events.list({ limit: 1, type: 'resource.created' })) ids.push(e.id);
    assert.deepEqual(ids, ['evt_2', 'evt_1']);
    assert.equal(script.sent[0]!.url.pathname, '/v1/events/evt_1');
    assert.equal(script.sent[2]!.url.pathname, '/v1/events');
    assert.equal(script.sent[2]!.url.search, '?limit=1&cursor=e&type=resource.created');
  });
});

describe('apiKeys', () => {
  const key = (over: Record<string, unknown> = {}) => ({
    id: 'key_1',
    object: 'api_key',
    name: null,
    prefix: 'sk_AbCdE',
    scopes: ['resources:read'],
    createdAt: '2025-01-01T00:00:00.000Z',
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...over,
  });

  test('create, roll, revoke and list send the documented requests', async () => {
    const script = new Script(
      json(key({ secret: 'sk_new', name: 'ci' }), 201),
      json(key({ id: 'key_2', secret: 'sk_rolled' }), 201),
      json(key({ revokedAt: '2025-01-02T00:00:00.000Z' })),
      json({ object: 'list', data: [key()], hasMore: false, nextCursor: null }),
    );
    const sdk = client(script);
    const created = await sdk.apiKeys.create({ scopes: ['resources:read'], name: 'ci' }, { idempotencyKey: 'k1' });
    assert.equal(created.secret, 'sk_new');
    const rolled = await sdk.apiKeys.roll('key_1', { expiresIn: 3600 });
    assert.equal(rolled.secret, 'sk_rolled');
    const revoked = await sdk.apiKeys.revoke('key_1');
    assert.equal(revoked.revokedAt, '2025-01-02T00:00:00.000Z');
    const ids: string[] = [];
    for await (const k of sdk.apiKeys.list({ limit: 5 })) ids.push(k.id);
    assert.deepEqual(ids, ['key_1']);
    const [first, roll, revoke, listed] = script.sent;
    assert.equal(first!.url.pathname, '/v1/api_keys');
    assert.equal(first!.headers['idempotency-key'], 'k1');
    assert.equal(roll!.url.pathname, '/v1/api_keys/key_1/roll');
    assert.equal(revoke!.method, 'DELETE');
    assert.equal(listed!.url.search, '?limit=5');
  });
});

describe('webhookEndpoints', () => {
  const endpoint = (over: Record<string, unknown> = {}) => ({
    id: 'we_1',
    object: 'webhook_endpoint',
    url: 'https://hooks.example.com/plinth',
    enabledEvents: ['resource.created'],
    description: null,
    status: 'enabled',
    createdAt: '2025-01-01T00:00:00.000Z',
    failingSince: null,
    disabledAt: null,
    ...over,
  });

  test('create, get, list and delete send the documented requests', async () => {
    const script = new Script(
      json(endpoint({ secret: 'whsec_c2VjcmV0', description: 'ci' }), 201),
      json(endpoint({ status: 'disabled', disabledAt: '2025-01-06T00:00:00.000Z' })),
      json({ object: 'list', data: [endpoint({ id: 'we_2' })], hasMore: true, nextCursor: 'w' }),
      json({ object: 'list', data: [endpoint()], hasMore: false, nextCursor: null }),
      new Response(null, { status: 204 }),
    );
    const sdk = client(script);
    const created = await sdk.webhookEndpoints.create(
      { url: 'https://hooks.example.com/plinth', enabledEvents: ['resource.created'], description: 'ci' },
      { idempotencyKey: 'w1' },
    );
    assert.equal(created.secret, 'whsec_c2VjcmV0');
    assert.deepEqual(created.enabledEvents, ['resource.created']);
    const got = await sdk.webhookEndpoints.get('we_1');
    assert.equal(got.status, 'disabled');
    assert.equal(got.disabledAt, '2025-01-06T00:00:00.000Z');
    const ids: string[] = [];
    for await (const e of sdk.webhookEndpoints.list({ limit: 1 })) ids.push(e.id);
    assert.deepEqual(ids, ['we_2', 'we_1']);
    assert.equal(await sdk.webhookEndpoints.delete('we_1'), undefined);
    assert.deepEqual(
      script.sent.map((s) => [s.method, s.url.pathname + s.url.search, s.body]),
      [
        [
          'POST',
          '/v1/webhook_endpoints',
          { url: 'https://hooks.example.com/plinth', enabledEvents: ['resource.created'], description: 'ci' },
        ],
        ['GET', '/v1/webhook_endpoints/we_1', undefined],
        ['GET', '/v1/webhook_endpoints?limit=1', undefined],
        ['GET', '/v1/webhook_endpoints?limit=1&cursor=w', undefined],
        ['DELETE', '/v1/webhook_endpoints/we_1', undefined],
      ],
    );
    assert.equal(script.sent[0]!.headers['idempotency-key'], 'w1');
    assert.deepEqual(
      script.sent.filter((s) => 'idempotency-key' in s.headers).map((s) => s.method),
      ['POST'],
    );
  });

  test('ids are one path segment', async () => {
    const script = new Script(apiError(404, 'not_found'));
    await assert.rejects(client(script).webhookEndpoints.get('../api_keys'), NotFoundError);
    assert.equal(script.sent[0]!.url.pathname, '/v1/webhook_endpoints/..%2Fapi_keys');
    assert.throws(() => client(script).webhookEndpoints.get(''), TypeError);
    await assert.rejects(client(script).webhookEndpoints.delete(''), TypeError);
  });
});

describe('events.redeliver', () => {
  test('to every endpoint, or only one, with an Idempotency-Key', async () => {
    const script = new Script(
      json({ object: 'redelivery', event: 'evt_1', endpoints: ['we_1', 'we_2'] }, 202),
      json({ object: 'redelivery', event: 'evt_1', endpoints: ['we_2'] }, 202),
    );
    const sdk = client(script);
    const everywhere = await sdk.events.redeliver('evt_1');
    assert.deepEqual(everywhere, { object: 'redelivery', event: 'evt_1', endpoints: ['we_1', 'we_2'] });
    const one = await sdk.events.redeliver('evt_1', { endpoint: 'we_2' }, { idempotencyKey: 'r1' });
    assert.deepEqual(one.endpoints, ['we_2']);
    assert.deepEqual(
      script.sent.map((s) => [s.method, s.url.pathname, s.body]),
      [
        ['POST', '/v1/events/evt_1/redeliver', {}],
        ['POST', '/v1/events/evt_1/redeliver', { endpoint: 'we_2' }],
      ],
    );
    assert.match(script.sent[0]!.headers['idempotency-key'] ?? '', UUID4);
    assert.equal(script.sent[1]!.headers['idempotency-key'], 'r1');
  });
});

describe('jobs.wait', () => {
  test('polls until completed', async (t) => {
    const clock = fakeClock(t);
    const script = new Script(json(job('pending')), json(job('running')), json(job('completed')));
    const done = await client(script).jobs.wait('job_1', { pollInterval: 500 });
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.result, { created: 2, ids: ['res_a', 'res_b'] });
    assert.deepEqual(clock.sleeps, [500, 500]);
    assert.ok(script.sent.every((s) => s.url.pathname === '/v1/jobs/job_1'));
  });

  test('a failed job throws JobFailedError carrying its error', async (t) => {
    fakeClock(t);
    const script = new Script(json(job('running')), json(job('failed')));
    const error = await client(script).jobs.wait('job_1').catch((e: unknown) => e);
    assert.ok(error instanceof JobFailedError);
    assert.deepEqual(error.error, { code: 'job_failed', message: 'boom' });
    assert.equal(error.code, 'job_failed');
    assert.equal(error.job.status, 'failed');
  });

  test('a failed job without an error still throws JobFailedError at once', async (t) => {
    fakeClock(t);
    const script = new Script(json(job('failed', { error: null })));
    const error = await client(script).jobs.wait('job_1').catch((e: unknown) => e);
    assert.ok(error instanceof JobFailedError);
    assert.equal(error.code, 'unknown');
    assert.equal(script.sent.length, 1);
  });

  test('gives up with JobWaitTimeoutError, never sleeping past the deadline', async (t) => {
    const clock = fakeClock(t);
    const script = new Script(...Array.from({ length: 4 }, () => json(job('running'))));
    const error = await client(script)
      .jobs.wait('job_1', { timeout: 2500, pollInterval: 1000 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof JobWaitTimeoutError);
    assert.equal(error.job.status, 'running');
    assert.deepEqual(clock.sleeps, [1000, 1000, 500]);
    assert.equal(script.sent.length, 4);
  });
});
