import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { RetryPolicy, isRetryable, parseRetryAfter } from '@plinth/client';

describe('retry decisions', () => {
  const cases: [number, string | null, boolean][] = [
    [429, 'rate_limited', true],
    [500, 'internal_error', true],
    [502, null, true],
    [503, 'service_unavailable', true],
    [409, 'idempotency_key_in_use', true],
    [409, 'other_conflict', false],
    [409, null, false],
    [400, 'invalid_json', false],
    [401, 'unauthorized', false],
    [403, 'forbidden', false],
    [404, 'not_found', false],
    [405, 'method_not_allowed', false],
    [413, 'payload_too_large', false],
    [422, 'validation_error', false],
    [422, 'idempotency_key_reused', false],
  ];
  for (const [status, code, retried] of cases) {
    test(`${status} ${code} is ${retried ? '' : 'not '}retried`, () => {
      assert.equal(isRetryable({ status, code, retryAfter: null }), retried);
      assert.equal(new RetryPolicy().delay(0, { status, code, retryAfter: null }) !== null, retried);
    });
  }

  test('no answer (connection error, timeout) is retried until maxRetries', () => {
    const policy = new RetryPolicy(2);
    assert.notEqual(policy.delay(0), null);
    assert.notEqual(policy.delay(1), null);
    assert.equal(policy.delay(2), null);
    assert.equal(new RetryPolicy(0).delay(0), null);
  });
});

describe('backoff', () => {
  for (let retry = 0; retry < 8; retry++) {
    test(`retry ${retry}: full jitter in [0, min(8, 0.5 * 2^n))`, () => {
      const ceiling = Math.min(8, 0.5 * 2 ** retry);
      assert.equal(new RetryPolicy(2, () => 0).backoff(retry), 0);
      const top = new RetryPolicy(2, () => 0.999999).backoff(retry);
      assert.ok(Math.abs(top - ceiling) < ceiling * 1e-5);
      const samples = Array.from({ length: 2000 }, () => new RetryPolicy().backoff(retry));
      assert.ok(samples.every((s) => s >= 0 && s < ceiling));
      assert.ok(Math.min(...samples) < 0.05 * ceiling, 'spread down to ~0');
      assert.ok(Math.max(...samples) > 0.95 * ceiling, 'spread up to the ceiling');
    });
  }

  test('the cap holds for any retry', () => {
    assert.ok(new RetryPolicy(2, () => 0.999999).backoff(40) <= 8);
  });
});

describe('Retry-After', () => {
  const now = () => Date.parse('2025-01-01T00:00:00Z');
  const cases: [string | null, number | null][] = [
    ['1', 1],
    [' 7 ', 7],
    ['2.5', 2.5],
    ['-3', 0],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['soon', null],
    ['', null],
    ['Infinity', null],
    [null, null],
  ];
  for (const [header, seconds] of cases) {
    test(`${JSON.stringify(header)} -> ${seconds}`, () => {
      assert.equal(parseRetryAfter(header, now), seconds);
    });
  }

  test('is waited for exactly instead of the backoff', () => {
    const policy = new RetryPolicy(2, () => 0.5);
    assert.equal(policy.delay(0, { status: 429, code: 'rate_limited', retryAfter: '3' }), 3);
    assert.equal(policy.delay(0, { status: 503, code: null, retryAfter: '1' }), 1);
    assert.equal(policy.delay(0, { status: 429, code: 'rate_limited', retryAfter: null }), 0.25);
  });

  test('beyond 60 s gives up instead of blocking', () => {
    assert.equal(new RetryPolicy().delay(0, { status: 429, code: null, retryAfter: '3600' }), null);
  });
});
