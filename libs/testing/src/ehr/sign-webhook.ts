import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/**
 * Test-side Standard Webhooks signer, written independently of the gateway's verifier so a
 * shared bug cannot make both sides agree. Self-contained (node:crypto only) so it can move
 * to @caredispatch/testing for the end-to-end suite.
 */
export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  const key = secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8');
  const signedContent = Buffer.concat([
    Buffer.from(`${id}.${timestampSeconds}.`, 'utf8'),
    typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  ]);
  return `v1,${createHmac('sha256', key).update(signedContent).digest('base64')}`;
}

/** A fresh `whsec_` secret (32 random bytes), as an EHR integration would be issued. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface SignedDeliveryOptions {
  readonly id?: string;
  readonly timestampSeconds?: number;
  readonly contentType?: string;
}

/** Headers for a correctly signed delivery of `body`, now, with a fresh webhook id. */
export function signedWebhookHeaders(
  secret: string,
  body: string | Buffer,
  options: SignedDeliveryOptions = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestampSeconds = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': options.contentType ?? 'application/fhir+json',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook(secret, id, timestampSeconds, body),
  };
}
