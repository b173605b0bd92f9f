// Verify the webhook deliveries Plinth sends, per the Standard Webhooks spec: headers
// `webhook-id` (the event id, the same on every retry and redelivery: deduplicate on it),
// `webhook-timestamp` (epoch seconds of this attempt) and `webhook-signature`
// (space-separated `v1,<base64>`, base64 HMAC-SHA256 of `<id>.<timestamp>.<raw body>` keyed
// with the secret's base64-decoded bytes after `whsec_`).
import { createHmac, timingSafeEqual } from 'node:crypto';

import { WebhookVerificationError } from './errors.js';
import type { Event } from './types.js';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface VerifyWebhookOptions {
  /** Seconds the timestamp may be from now, either way (default 300): older deliveries are
   * refused as replays. */
  tolerance?: number;
  /** The current time in epoch **seconds** (default `Date.now() / 1000`). */
  now?: () => number;
}

/** Headers as a `Headers` (fetch, Request) or a plain object (Node's `req.headers`). */
type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function key(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded === '' || !BASE64.test(encoded)) {
    throw new WebhookVerificationError(
      'the secret is not `whsec_` and base64: pass the endpoint\'s secret as created',
    );
  }
  return Buffer.from(encoded, 'base64');
}

function bytes(payload: string | Uint8Array): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
}

function signature(secret: Buffer, msgId: string, timestamp: string, payload: Buffer): string {
  return createHmac('sha256', secret)
    .update(`${msgId}.${timestamp}.`, 'utf8')
    .update(payload)
    .digest('base64');
}

function header(headers: WebhookHeaders, name: string): string {
  let value: string | string[] | null | undefined;
  if (typeof (headers as Headers).get === 'function') {
    value = (headers as Headers).get(name);
  } else {
    const plain = headers as Record<string, string | string[] | undefined>;
    value = plain[name];
    if (value === undefined) {
      const found = Object.keys(plain).find((k) => k.toLowerCase() === name);
      value = found === undefined ? undefined : plain[found];
    }
  }
  if (Array.isArray(value)) value = value.join(' ');
  if (!value) throw new WebhookVerificationError(`missing header ${name}`);
  return value;
}

/** The `webhook-signature` value Plinth would send, `v1,<base64>` (for receivers' tests). */
export function signWebhook(
  payload: string | Uint8Array,
  secret: string,
  msgId: string,
  timestamp: number,
): string {
  return `v1,${signature(key(secret), msgId, String(Math.trunc(timestamp)), bytes(payload))}`;
}

/**
 * The delivered event (its JSON body, parsed), once the delivery is shown to come from
 * Plinth: one `v1` signature in `webhook-signature` is this secret's, and
 * `webhook-timestamp` is within `tolerance` seconds of now. Anything else throws
 * `WebhookVerificationError`; answer it with a 400. Pass the body exactly as received (a
 * string or the raw bytes), before any JSON parsing: the signature covers it.
 */
export function verifyWebhook(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): Event {
  const msgId = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!/^[0-9]+$/.test(timestamp)) {
    throw new WebhookVerificationError('webhook-timestamp is not epoch seconds');
  }
  const tolerance = options.tolerance ?? 300;
  const now = options.now ? options.now() : Date.now() / 1000;
  if (!(Math.abs(now - Number(timestamp)) <= tolerance)) {
    throw new WebhookVerificationError(
      `webhook-timestamp is more than ${tolerance} s from now (a replay, or a clock off)`,
    );
  }
  const body = bytes(payload);
  const expected = Buffer.from(signature(key(secret), msgId, timestamp, body), 'utf8');
  let matched = false;
  for (const candidate of signatures.split(' ')) {
    const comma = candidate.indexOf(',');
    if (comma === -1 || candidate.slice(0, comma) !== 'v1') continue;
    const value = Buffer.from(candidate.slice(comma + 1), 'utf8');
    // Every v1 signature is compared, so the time taken says nothing of which matched.
    if (value.length === expected.length && timingSafeEqual(value, expected)) matched = true;
  }
  if (!matched) {
    throw new WebhookVerificationError('no v1 signature in webhook-signature matches');
  }
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('the body is not JSON');
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new WebhookVerificationError('the body is not a JSON object');
  }
  return event as Event;
}
