import { createHmac } from 'node:crypto';

import { type RevealableSecret } from '../keys/env-key-encryption';

const E164 = /^\+[1-9]\d{6,14}$/;
const MIN_KEY_BYTES = 32;

/**
 * Keyed hashes (HMAC-SHA-256) for PHI that must be found by equality — an inbound SMS's
 * number → the patient — without storing it readable. Without the key a hash cannot be
 * brute-forced from the small space of phone numbers. Changing the key means recomputing
 * every stored hash, so it is not rotated with the KEKs.
 */
export class BlindIndex {
  private readonly key: Buffer;

  constructor(key: RevealableSecret<string>) {
    this.key = Buffer.from(key.reveal(), 'base64');
    if (this.key.length < MIN_KEY_BYTES) {
      throw new RangeError(`blind index key must be the base64 of at least ${MIN_KEY_BYTES} bytes`);
    }
  }

  /** Hex HMAC of an E.164 number, scoped to the tenant: equal numbers of two tenants differ. */
  phoneLookupHash(tenantId: string, e164: string): string {
    if (!E164.test(e164)) throw new RangeError('phone number must be E.164 (+ and 7–15 digits)');
    return this.hash(['phone', tenantId, e164]);
  }

  /**
   * Hex HMAC of a street address, scoped to the tenant: the key of a cache of answers about
   * it (dispatch's geocode cache) and the "did the address change" test, without storing it.
   * Whitespace and case are folded first, so spellings that differ only there hash alike.
   */
  addressLookupHash(tenantId: string, address: string): string {
    const folded = normalizeAddress(address);
    if (folded === '') throw new RangeError('address must not be blank');
    return this.hash(['address', tenantId, folded]);
  }

  private hash(parts: readonly string[]): string {
    return createHmac('sha256', this.key)
      .update(JSON.stringify(['caredispatch.blind-index.v1', ...parts]))
      .digest('hex');
  }
}

/** The form an address is hashed in: trimmed, inner whitespace collapsed, lower case. */
export function normalizeAddress(address: string): string {
  return address.trim().replace(/\s+/g, ' ').toLowerCase();
}
