import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whose email consent a one-click unsubscribe withdraws, and the email that carried it. */
export interface UnsubscribeSubject {
  readonly tenantId: string;
  readonly patientId: string;
  /** The email's message id: the consent change's evidence. */
  readonly messageId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Tenant ids as configured (TENANT_ID_PATTERN in @caredispatch/platform).
const TENANT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const MAX_TOKEN_CHARS = 512;

/**
 * A one-click unsubscribe token (RFC 8058): the subject and an expiry, MAC'd with the service's
 * key so nobody can unsubscribe another patient by editing the URL. Ids only, no PHI:
 * `base64url(tenant|patient|message|expiresAtSeconds).base64url(HMAC-SHA256)`.
 */
export function signUnsubscribeToken(
  key: Buffer,
  subject: UnsubscribeSubject,
  expiresAt: Date,
): string {
  const payload = Buffer.from(
    [
      subject.tenantId,
      subject.patientId,
      subject.messageId,
      String(Math.floor(expiresAt.getTime() / 1000)),
    ].join('|'),
  ).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

export type UnsubscribeTokenCheck =
  | { readonly valid: true; readonly subject: UnsubscribeSubject }
  | { readonly valid: false; readonly reason: 'malformed' | 'forged' | 'expired' };

export function verifyUnsubscribeToken(
  key: Buffer,
  token: string,
  now: Date,
): UnsubscribeTokenCheck {
  if (token.length > MAX_TOKEN_CHARS) return { valid: false, reason: 'malformed' };
  const parts = token.split('.');
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { valid: false, reason: 'forged' };
  }
  const fields = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  const [tenantId, patientId, messageId, expires] = fields;
  if (
    fields.length !== 4 ||
    !tenantId ||
    !TENANT.test(tenantId) ||
    !patientId ||
    !UUID.test(patientId) ||
    !messageId ||
    !UUID.test(messageId) ||
    !expires ||
    !/^\d{1,12}$/.test(expires)
  ) {
    return { valid: false, reason: 'malformed' };
  }
  if (Number(expires) * 1000 <= now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, subject: { tenantId, patientId, messageId } };
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}
