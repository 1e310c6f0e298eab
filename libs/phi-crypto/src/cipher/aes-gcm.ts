import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM with a 96-bit random nonce (NIST SP 800-38D §8.2.2) and a 128-bit tag. */
const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Authentication failed: wrong key, wrong associated data, or the bytes were altered. */
export class PhiDecryptionError extends Error {
  override readonly name = 'PhiDecryptionError';
}

/** `nonce ‖ ciphertext ‖ tag`; `aad` is authenticated but not stored. */
export function sealBytes(key: Buffer, plaintext: Uint8Array, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function openBytes(key: Buffer, sealed: Uint8Array, aad: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new PhiDecryptionError('ciphertext too short');
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const nonce = bytes.subarray(0, NONCE_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    // Node says only "Unsupported state or unable to authenticate data"; say what it means.
    throw new PhiDecryptionError('ciphertext failed authentication');
  }
}

export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}
