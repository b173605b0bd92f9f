// The TypeScript SDK against the local stack. Driven by tests/e2e/test_sdk_typescript.py,
// which starts the stack and sets PLINTH_BASE_URL, PLINTH_API_KEY (a fresh workspace) and
// PLINTH_SLOW_API_KEY (a workspace limited to 3 requests per second), and
// PLINTH_RECEIVER_HOST (where a webhook receiver listens: 0.0.0.0 under sam local).
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';

import {
  type BulkCreateResult,
  type ExportResult,
  Plinth,
  type Resource,
  verifyWebhook,
} from '@plinth/client';

const client = new Plinth();
let ids: string[] = [];

test('bulkCreate 250, then jobs.wait completes with their ids', async () => {
  const items = Array.from({ length: 250 }, (_, i) => ({ name: `item-${i}` }));
  const job = await client.resources.bulkCreate(items);
  assert.equal(job.status, 'pending');
  const done = await client.jobs.wait(job.id, { timeout: 60_000, pollInterval: 200 });
  assert.equal(done.status, 'completed');
  assert.ok(done.completedAt);
  const result = done.result as BulkCreateResult;
  assert.equal(result.created, 250);
  ids = result.ids;
  const first = await client.resources.get(ids[0]!);
  assert.equal(first.name, 'item-0');
});

test("the seed's paging snippet yields each of the 250 exactly once", async () => {
  const seen: string[] = [];
  const process = (data: Resource[]) => seen.push(...data.map((r) => r.id));
  let pages = 0;

  let response
  let cursor: string | null = null
  do {
    response = await client.resources.list({ limit: 100, cursor })
    process(response.data)
    cursor = response.nextCursor
    pages++
  } while (response.hasMore)

  assert.equal(pages, 3);
  assert.equal(seen.length, 250);
  assert.deepEqual(new Set(seen), new Set(ids));
  assert.deepEqual([...seen].sort().reverse(), seen, 'newest first');
});

test('for await over list() yields the same 250, once each', async () => {
  const walked: string[] = [];
  for await (const r of client.resources.list({ limit: 100 })) walked.push(r.id);
  assert.equal(walked.length, 250);
  assert.deepEqual(new Set(walked), new Set(ids));
  const names = new Set<string>();
  for await (const r of client.resources.list({ limit: 7, status: 'active' })) names.add(r.name);
  assert.equal(names.size, 250);
});

test('export, then downloading the URL gives one line per resource', async () => {
  const job = await client.resources.export();
  const done = await client.jobs.wait(job.id, { timeout: 60_000, pollInterval: 200 });
  const result = done.result as ExportResult;
  assert.ok(Date.parse(result.expiresAt) > Date.now());
  const download = await fetch(result.url);
  assert.equal(download.status, 200);
  const lines = (await download.text()).split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 250);
  assert.equal(result.count, 250);
  assert.deepEqual(new Set(lines.map((l) => (JSON.parse(l) as { id: string }).id)), new Set(ids));
});

test('creates at 3 requests per second complete through retries, without duplicates', async () => {
  const posts = new Map<string, number[]>(); // Idempotency-Key -> statuses, in order
  const statuses: number[] = [];
  const counting: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    statuses.push(response.status);
    const key = new Headers(init?.headers).get('idempotency-key');
    if (key !== null) posts.set(key, [...(posts.get(key) ?? []), response.status]);
    return response;
  };
  const slow = new Plinth({ apiKey: process.env.PLINTH_SLOW_API_KEY, fetch: counting, maxRetries: 5 });
  const created: Resource[] = [];
  // Five at a time: one after another, a slow round trip (sam local's ~1 s stalls on a
  // loaded machine) could stay under 3 per second and never meet the limit.
  const worker = async (w: number): Promise<void> => {
    for (const i of [w, w + 5]) created.push(await slow.resources.create({ name: `slow-${i}` }));
  };
  await Promise.all(Array.from({ length: 5 }, (_, w) => worker(w)));
  const names: string[] = [];
  for await (const r of slow.resources.list({ limit: 100 })) names.push(r.name);

  assert.ok(statuses.includes(429), `the limit was hit: ${statuses}`);
  assert.ok(statuses.every((s) => [200, 201, 429].includes(s)), String(statuses));
  assert.equal(posts.size, 10, 'one key per create, reused by its retries');
  for (const sent of posts.values()) {
    assert.equal(sent.at(-1), 201);
    assert.ok(sent.slice(0, -1).every((s) => s === 429), String(sent));
  }
  assert.equal(new Set(created.map((r) => r.id)).size, 10);
  assert.deepEqual(names.sort(), Array.from({ length: 10 }, (_, i) => `slow-${i}`).sort());
});

test('a create reaches a webhook receiver, and verifyWebhook accepts the delivery', async () => {
  const received: { body: string; headers: IncomingHttpHeaders }[] = [];
  let arrived: () => void = () => {};
  const delivered = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(204).end();
      arrived();
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(0, process.env.PLINTH_RECEIVER_HOST ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const endpoint = await client.webhookEndpoints.create({
    url: `http://127.0.0.1:${port}/hooks`,
    enabledEvents: ['resource.created'],
  });
  try {
    const resource = await client.resources.create({ name: 'hooked-ts' });
    // Under sam local the dispatcher's and sender's containers may start cold here.
    const timeout = setTimeout(() => arrived(), 120_000);
    await delivered;
    clearTimeout(timeout);
    assert.equal(received.length, 1, 'one delivery');
    const event = verifyWebhook(received[0]!.body, received[0]!.headers, endpoint.secret);
    assert.equal(event.type, 'resource.created');
    assert.equal((event.data.object as { id: string }).id, resource.id);
    assert.throws(() => verifyWebhook(received[0]!.body + ' ', received[0]!.headers, endpoint.secret));
  } finally {
    await client.webhookEndpoints.delete(endpoint.id);
    server.close();
  }
});
