import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import { DateTime } from 'luxon';

/** Path prefix of itinerary links: `{ITINERARY_LINK_BASE_URL}/itineraries/{token}`. */
export const ITINERARY_PATH_PREFIX = '/itineraries';

/** 128 bits, base64url without padding: always 22 characters of [A-Za-z0-9_-]. */
export const ITINERARY_TOKEN_BYTES = 16;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}$/;

/** The HMAC key of a configured secret (any length in, 32 bytes out). */
export function itineraryLinkKey(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * The link token of one delivery: 128 bits of HMAC-SHA-256(key, delivery id). Unguessable
 * without the server key, like a random token, but the deliverer prints the same link on every
 * attempt of the delivery (reconciliation finds an earlier text by it) without the token ever
 * being stored: the database keeps only `itineraryTokenDigest`, under a different label.
 */
export function itineraryLinkToken(key: Buffer, deliveryId: string): string {
  return createHmac('sha256', key)
    .update('itinerary-link-token\0')
    .update(deliveryId)
    .digest()
    .subarray(0, ITINERARY_TOKEN_BYTES)
    .toString('base64url');
}

/** What the database stores instead of the token; lookups go by it (no timing hint). */
export function itineraryTokenDigest(key: Buffer, token: string): Buffer {
  return createHmac('sha256', key).update('itinerary-link-digest\0').update(token).digest();
}

export function isItineraryTokenShaped(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** Constant-time equality of two digests (false for different lengths). */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A link works until the end of the last practice day it covers (midnight after, local). */
export function itineraryLinkExpiry(days: readonly string[], timeZone: string): Date {
  const last = [...days].sort().at(-1);
  if (last === undefined) throw new Error('an itinerary link covers at least one day');
  return DateTime.fromISO(last, { zone: timeZone }).plus({ days: 1 }).startOf('day').toJSDate();
}
