/** Standard Webhooks marks base64-encoded symmetric secrets with this prefix. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/**
 * The Standard Webhooks spec asks for 24–64 byte secrets; shorter keys make HMAC-SHA256
 * brute-forceable, so they are refused at start-up rather than accepted silently.
 */
export const MIN_WEBHOOK_SECRET_BYTES = 24;
export const MAX_WEBHOOK_SECRET_BYTES = 64;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Turns a configured secret into HMAC key bytes. `whsec_<base64>` is decoded as the spec
 * says; any other value is used as its UTF-8 bytes, for EHRs that were given a plain
 * shared secret. Returns a reason (never the value) when the secret is unusable.
 */
export function decodeWebhookSecret(secret: string): Buffer | { problem: string } {
  let key: Buffer;
  if (secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
    if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) {
      return { problem: `a ${WEBHOOK_SECRET_PREFIX} secret must be followed by base64` };
    }
    key = Buffer.from(encoded, 'base64');
  } else {
    key = Buffer.from(secret, 'utf8');
  }
  if (key.length < MIN_WEBHOOK_SECRET_BYTES || key.length > MAX_WEBHOOK_SECRET_BYTES) {
    return {
      problem: `a secret must be ${MIN_WEBHOOK_SECRET_BYTES}-${MAX_WEBHOOK_SECRET_BYTES} bytes`,
    };
  }
  return key;
}
