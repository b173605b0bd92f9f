import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';

import {
  PlinthError,
  WebhookVerificationError,
  signWebhook,
  verifyWebhook,
  type Event,
  type VerifyWebhookOptions,
} from '@plinth/client';

import { resource } from '../support/stub.js';

// The Standard Webhooks test vector (github.com/standard-webhooks/standard-webhooks).
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MSG_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const PAYLOAD = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const BODY = { test: 2432232314 };

const headers = (signature = SIGNATURE, over: Record<string, string> = {}): Record<string, string> => ({
  'webhook-id': MSG_ID,
  'webhook-timestamp': String(TIMESTAMP),
  'webhook-signature': signature,
  ...over,
});

const verify = (
  payload: string | Uint8Array = PAYLOAD,
  given: Record<string, string> | Headers = headers(),
  secret = SECRET,
  options: VerifyWebhookOptions = {},
) => verifyWebhook(payload, given, secret, { now: () => TIMESTAMP, ...options });

/** Asserts a WebhookVerificationError whose message matches. */
const refused = (run: () => unknown, message: RegExp) =>
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof WebhookVerificationError, String(error));
    assert.ok(error instanceof PlinthError);
    assert.equal(error.name, 'WebhookVerificationError');
    assert.match(error.message, message);
    return true;
  });

describe('verifyWebhook: the Standard Webhooks test vector', () => {
  test('verifies and returns the parsed body', () => {
    assert.deepEqual(verify(), BODY);
    assert.deepEqual(verify(Buffer.from(PAYLOAD)), BODY);
    assert.deepEqual(verify(new TextEncoder().encode(PAYLOAD)), BODY);
  });

  test('signWebhook reproduces it', () => {
    assert.equal(signWebhook(PAYLOAD, SECRET, MSG_ID, TIMESTAMP), SIGNATURE);
    assert.equal(signWebhook(Buffer.from(PAYLOAD), SECRET, MSG_ID, TIMESTAMP), SIGNATURE);
  });

  test('the secret works with or without its whsec_ prefix', () => {
    assert.deepEqual(verify(PAYLOAD, headers(), SECRET.slice('whsec_'.length)), BODY);
  });
});

describe('verifyWebhook: refusals', () => {
  for (const payload of ['{"test": 2432232315}', '{"test": 2432232314} ', '{"test":2432232314}']) {
    test(`a changed payload is refused: ${payload}`, () => {
      refused(() => verify(payload), /signature/);
    });
  }

  test('a wrong secret is refused', () => {
    const other = `whsec_${Buffer.from("another endpoint's key!!").toString('base64')}`;
    refused(() => verify(PAYLOAD, headers(), other), /signature/);
  });

  for (const secret of ['whsec_not base64!', 'whsec_abc', 'whsec_', '']) {
    test(`a secret that is not base64, or empty, is refused: ${JSON.stringify(secret)}`, () => {
      refused(() => verify(PAYLOAD, headers(), secret), /secret/);
      refused(() => signWebhook(PAYLOAD, secret, MSG_ID, TIMESTAMP), /secret/);
    });
  }

  for (const offset of [301, -301, 86_400]) {
    test(`a timestamp ${offset} s from now is refused`, () => {
      refused(() => verify(PAYLOAD, headers(), SECRET, { now: () => TIMESTAMP + offset }), /timestamp/);
    });
  }

  for (const offset of [300, -300, 0.5]) {
    test(`a timestamp ${offset} s from now passes`, () => {
      assert.deepEqual(verify(PAYLOAD, headers(), SECRET, { now: () => TIMESTAMP + offset }), BODY);
    });
  }

  test('the tolerance can be changed; a clock that answers NaN refuses everything', () => {
    const late = { now: () => TIMESTAMP + 3600 };
    assert.deepEqual(verify(PAYLOAD, headers(), SECRET, { ...late, tolerance: 3600 }), BODY);
    refused(() => verify(PAYLOAD, headers(), SECRET, { now: () => TIMESTAMP + 11, tolerance: 10 }), /timestamp/);
    refused(() => verify(PAYLOAD, headers(), SECRET, { now: () => Number.NaN }), /timestamp/);
  });

  test('the signature covers the timestamp: a fresh one cannot be pasted on', () => {
    const late = TIMESTAMP + 301;
    const signed = signWebhook(PAYLOAD, SECRET, MSG_ID, late);
    refused(() => verify(PAYLOAD, headers(signed, { 'webhook-timestamp': String(late) })), /timestamp/);
    refused(
      () => verify(PAYLOAD, headers(SIGNATURE, { 'webhook-timestamp': String(late) }), SECRET, { now: () => late }),
      /signature/,
    );
  });

  test('the default clock is the real one, in seconds', () => {
    // The test vector is from 2021: far outside 5 minutes of now.
    refused(() => verifyWebhook(PAYLOAD, headers(), SECRET), /timestamp/);
    const now = Math.floor(Date.now() / 1000);
    const fresh = headers(signWebhook(PAYLOAD, SECRET, MSG_ID, now), { 'webhook-timestamp': String(now) });
    assert.deepEqual(verifyWebhook(PAYLOAD, fresh, SECRET), BODY);
  });

  for (const missing of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    test(`a missing or empty ${missing} is refused`, () => {
      const without = headers();
      delete without[missing];
      refused(() => verify(PAYLOAD, without), new RegExp(missing));
      refused(() => verify(PAYLOAD, { ...headers(), [missing]: '' }), new RegExp(missing));
      const fetchHeaders = new Headers(headers());
      fetchHeaders.delete(missing);
      refused(() => verify(PAYLOAD, fetchHeaders), new RegExp(missing));
    });
  }

  test('no headers at all are refused', () => {
    refused(() => verify(PAYLOAD, {}), /missing header/);
  });

  for (const timestamp of ['soon', '1614265330.0', '-1614265330', '1e9', '\uff11\uff16\uff11\uff14']) {
    test(`a timestamp that is not epoch seconds is refused: ${timestamp}`, () => {
      refused(() => verify(PAYLOAD, headers(SIGNATURE, { 'webhook-timestamp': timestamp })), /timestamp/);
    });
  }

  test('only a v2 signature, or none with a version, is refused', () => {
    const value = SIGNATURE.slice('v1,'.length);
    refused(() => verify(PAYLOAD, headers(`v2,${value}`)), /signature/);
    refused(() => verify(PAYLOAD, headers(value)), /signature/);
    refused(() => verify(PAYLOAD, headers(`v1a,${value}`)), /signature/);
  });

  test('another message id is refused', () => {
    refused(() => verify(PAYLOAD, headers(SIGNATURE, { 'webhook-id': 'msg_other' })), /signature/);
  });
});

describe('verifyWebhook: several signatures', () => {
  const wrong = `v1,${Buffer.alloc(32).toString('base64')}`;
  const v2 = `v2,${SIGNATURE.slice('v1,'.length)}`;

  test('any matching v1 signature among several passes', () => {
    for (const header of [
      `${wrong} ${SIGNATURE}`,
      `${SIGNATURE} ${wrong}`,
      `${v2} ${wrong} ${SIGNATURE}`,
      `v1a,x ${SIGNATURE}`,
    ]) {
      assert.deepEqual(verify(PAYLOAD, headers(header)), BODY, header);
    }
    refused(() => verify(PAYLOAD, headers(`${wrong} ${v2}`)), /signature/);
  });

  test('after a rolled secret, the old and the new signature both verify', () => {
    const fresh = `whsec_${Buffer.from('the new key, 24 bytes ok').toString('base64')}`;
    const header = `${SIGNATURE} ${signWebhook(PAYLOAD, fresh, MSG_ID, TIMESTAMP)}`;
    assert.deepEqual(verify(PAYLOAD, headers(header)), BODY);
    assert.deepEqual(verify(PAYLOAD, headers(header), fresh), BODY);
  });

  test('repeated header lines (Node gives an array) are joined', () => {
    const node: Record<string, string | string[]> = { ...headers(), 'webhook-signature': [wrong, SIGNATURE] };
    assert.deepEqual(verifyWebhook(PAYLOAD, node, SECRET, { now: () => TIMESTAMP }), BODY);
  });
});

describe('verifyWebhook: headers and bodies', () => {
  test('header names are looked up case-insensitively, in a plain object or Headers', () => {
    const mixed = {
      'Webhook-Id': MSG_ID,
      'WEBHOOK-TIMESTAMP': String(TIMESTAMP),
      'Webhook-Signature': SIGNATURE,
    };
    assert.deepEqual(verify(PAYLOAD, mixed), BODY);
    assert.deepEqual(verify(PAYLOAD, new Headers(mixed)), BODY);
  });

  test('a delivered event comes back typed as the Event GET /v1/events/{id} returns', () => {
    const delivered = {
      id: 'evt_01J0000000000000000000000',
      object: 'event',
      type: 'resource.created',
      createdAt: '2025-01-01T00:00:00.000Z',
      data: { object: resource() },
    };
    const body = JSON.stringify(delivered);
    const event: Event = verifyWebhook(
      body,
      {
        'webhook-id': delivered.id,
        'webhook-timestamp': '1735689600',
        'webhook-signature': signWebhook(body, SECRET, delivered.id, 1735689600),
      },
      SECRET,
      { now: () => 1735689601 },
    );
    assert.deepEqual(event, delivered);
    assert.equal(event.type, 'resource.created');
  });

  test('a non-ASCII body is signed as UTF-8, whether given as a string or bytes', () => {
    const body = '{"name": "café ☕"}';
    const signed = headers(signWebhook(body, SECRET, MSG_ID, TIMESTAMP));
    assert.deepEqual(verify(body, signed), { name: 'café ☕' });
    assert.deepEqual(verify(Buffer.from(body), signed), { name: 'café ☕' });
    // the same HMAC as computed by hand over the UTF-8 bytes
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const byHand = createHmac('sha256', key).update(`${MSG_ID}.${TIMESTAMP}.${body}`).digest('base64');
    assert.equal(signed['webhook-signature'], `v1,${byHand}`);
  });

  for (const body of ['not json', '[1, 2]', '"event"', 'null', '']) {
    test(`a signed body that is not a JSON object is refused: ${JSON.stringify(body)}`, () => {
      refused(() => verify(body, headers(signWebhook(body, SECRET, MSG_ID, TIMESTAMP))), /JSON/);
    });
  }
});
