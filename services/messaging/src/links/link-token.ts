import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 128 random bits, base64url without padding: always 22 characters of [A-Za-z0-9_-]. */
export const LINK_TOKEN_BYTES = 16;
export const LINK_TOKEN_LENGTH = 22;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}$/;

/** Path prefix of patient links: `{LINK_BASE_URL}/a/{token}`. */
export const LINK_PATH_PREFIX = '/a';
/** Waitlist offers' accept links, `{LINK_BASE_URL}/o/{token}`: as long as `/a/`, same budget. */
export const OFFER_LINK_PATH_PREFIX = '/o';

/**
 * The link budget, exactly. 128 bits need 22 characters in any alphabet an SMS app links and
 * GSM-7 sends one septet each (base64url's 64; `~` costs two septets and a trailing `.` is cut
 * by linkifiers), so `/a/{token}` alone is 25 characters: host and path together are
 * `host.length + 25` — the 23 cannot hold with `/a/` and 128 bits. What the texts
 * guarantee instead: an origin (scheme and host, as printed) of at most 24 characters, so the
 * whole printed link is at most 49, and every text with it stays one GSM-7 segment.
 */
export const LINK_MAX_ORIGIN_CHARS = 24;
export const LINK_MAX_CHARS =
  LINK_MAX_ORIGIN_CHARS + LINK_PATH_PREFIX.length + 1 + LINK_TOKEN_LENGTH;

/** The printed link's length for an origin. */
export function linkLengthFor(origin: string): number {
  return origin.length + LINK_PATH_PREFIX.length + 1 + LINK_TOKEN_LENGTH;
}

export function newLinkToken(): string {
  return randomBytes(LINK_TOKEN_BYTES).toString('base64url');
}

export function isLinkTokenShaped(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/**
 * What the database stores instead of the token: HMAC-SHA-256 under a server key. A leaked
 * table does not yield working links, and without the key nobody can precompute hashes.
 * Lookups go by this digest, so how long a lookup takes says nothing about how close a
 * guess was to a real token.
 */
export function hashLinkToken(key: Buffer, token: string): Buffer {
  return createHmac('sha256', key).update('link-token\0').update(token).digest();
}

/** Constant-time equality of two digests (false for different lengths). */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The page's anti-forgery token: `<issued-at-seconds>.<mac>` where the MAC binds the link
 * (its token digest) and the issue time. A form on another site cannot know it: the value
 * only appears in the page a holder of the link opened.
 */
export function signFormToken(key: Buffer, tokenDigest: Buffer, issuedAt: Date): string {
  const seconds = Math.floor(issuedAt.getTime() / 1000);
  return `${seconds}.${formMac(key, tokenDigest, seconds).toString('base64url')}`;
}

export function verifyFormToken(
  key: Buffer,
  tokenDigest: Buffer,
  formToken: unknown,
  now: Date,
  maxAgeMs: number,
): boolean {
  if (typeof formToken !== 'string') return false;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(formToken);
  if (!match) return false;
  const seconds = Number(match[1]);
  const ageMs = now.getTime() - seconds * 1000;
  // A little future skew is tolerated (several replicas, slightly different clocks).
  if (ageMs > maxAgeMs || ageMs < -60_000) return false;
  return digestsEqual(formMac(key, tokenDigest, seconds), Buffer.from(match[2], 'base64url'));
}

function formMac(key: Buffer, tokenDigest: Buffer, seconds: number): Buffer {
  return createHmac('sha256', key)
    .update('link-form\0')
    .update(tokenDigest)
    .update(`\0${seconds}`)
    .digest();
}
