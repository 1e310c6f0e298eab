import { randomUUID } from 'node:crypto';

import { type DataKeyStore, type StoredDataKey } from '../keys/data-key-store';
import { type KeyEncryptionPort } from '../keys/key-encryption.port';

import { newDataKey, openBytes, PhiDecryptionError, sealBytes } from './aes-gcm';
import { fieldAad, type PhiField } from './phi-field';

/** Text ciphertexts: `phi1.<data key id>.<base64 of nonce ‖ ciphertext ‖ tag>`. */
const TEXT_PREFIX = 'phi1.';
const TEXT_PATTERN = /^phi1\.([0-9a-f-]{36})\.([A-Za-z0-9+/]+={0,2})$/;
/**
 * Byte ciphertexts start with 0x00 0x01, then the 16-byte data key id. A protobuf message
 * never starts with 0x00 (field number 0 is invalid), so an outbox row written before
 * encryption was switched on is told apart without a schema change.
 */
const BYTES_MAGIC = Buffer.from([0x00, 0x01]);
const UUID_BYTES = 16;
/** How long a process keeps using a tenant's current key before checking it was not retired. */
const CURRENT_KEY_TTL_MS = 60_000;

export interface PhiCipherOptions {
  readonly kms: KeyEncryptionPort;
  readonly store: DataKeyStore;
  readonly clock?: { now(): Date };
}

/**
 * Per-field AES-256-GCM envelope encryption. One data key (DEK) per tenant per UTC month,
 * wrapped by the active KEK and stored in `phi_data_key`; unwrapped DEKs are cached in memory
 * by id, so a field costs one AES-GCM call and no key-management round trip.
 */
export class PhiCipher {
  /** Unwrapped DEKs by id, with their tenant (checked on every use). */
  private readonly unwrapped = new Map<string, Promise<UnwrappedKey>>();
  private readonly current = new Map<string, { key: Promise<StoredDataKey>; until: number }>();
  private readonly clock: { now(): Date };

  constructor(private readonly options: PhiCipherOptions) {
    this.clock = options.clock ?? { now: () => new Date() };
  }

  async encryptText(field: PhiField, plaintext: string): Promise<string> {
    const key = await this.currentKey(field.tenantId);
    const sealed = sealBytes(
      await this.dataKey(key),
      Buffer.from(plaintext, 'utf8'),
      fieldAad(field),
    );
    return `${TEXT_PREFIX}${key.id}.${sealed.toString('base64')}`;
  }

  async encryptNullable(field: PhiField, plaintext: string | null): Promise<string | null> {
    return plaintext === null ? null : this.encryptText(field, plaintext);
  }

  /** Decrypts a `phi1.` value; any other value is returned as stored (written before encryption). */
  async decryptText(field: PhiField, stored: string): Promise<string> {
    if (!isEncryptedText(stored)) return stored;
    const match = TEXT_PATTERN.exec(stored);
    if (!match) throw new PhiDecryptionError('malformed phi1 ciphertext');
    const [, dataKeyId, body] = match;
    const key = await this.dataKeyById(dataKeyId, field.tenantId);
    return openBytes(key, Buffer.from(body, 'base64'), fieldAad(field)).toString('utf8');
  }

  async decryptNullable(field: PhiField, stored: string | null): Promise<string | null> {
    return stored === null ? null : this.decryptText(field, stored);
  }

  /**
   * Loads (or creates) and unwraps the tenant's current data key, so encrypting for it right
   * after needs no key-store round trip (and no database connection) for a while.
   */
  async prepareToEncrypt(tenantId: string): Promise<void> {
    await this.dataKey(await this.currentKey(tenantId));
  }

  async encryptBytes(field: PhiField, plaintext: Uint8Array): Promise<Buffer> {
    const key = await this.currentKey(field.tenantId);
    const sealed = sealBytes(await this.dataKey(key), plaintext, fieldAad(field));
    return Buffer.concat([BYTES_MAGIC, uuidToBytes(key.id), sealed]);
  }

  /** Decrypts bytes from encryptBytes; any other bytes are returned as stored. */
  async decryptBytes(field: PhiField, stored: Buffer): Promise<Buffer> {
    if (!isEncryptedBytes(stored)) return stored;
    const header = BYTES_MAGIC.length + UUID_BYTES;
    if (stored.length < header) throw new PhiDecryptionError('truncated ciphertext');
    const dataKeyId = bytesToUuid(stored.subarray(BYTES_MAGIC.length, header));
    const key = await this.dataKeyById(dataKeyId, field.tenantId);
    return openBytes(key, stored.subarray(header), fieldAad(field));
  }

  /** The data key id a stored value was encrypted under; undefined for plaintext. */
  static dataKeyIdOf(stored: string): string | undefined {
    return TEXT_PATTERN.exec(stored)?.[1];
  }

  /** The tenant's data key for the current UTC month, created on first use. */
  private currentKey(tenantId: string): Promise<StoredDataKey> {
    const now = this.clock.now();
    const period = now.toISOString().slice(0, 7);
    const cacheKey = JSON.stringify([tenantId, period]);
    const cached = this.current.get(cacheKey);
    if (cached && cached.until > now.getTime()) return cached.key;
    const key = this.loadOrCreate(tenantId, period);
    this.current.set(cacheKey, { key, until: now.getTime() + CURRENT_KEY_TTL_MS });
    // A failed load is retried by the next caller rather than cached.
    key.catch(() => this.current.delete(cacheKey));
    return key;
  }

  /** Looks the current keys up again on next use (after an operator retired one). */
  forgetCurrentKeys(): void {
    this.current.clear();
  }

  private async loadOrCreate(tenantId: string, period: string): Promise<StoredDataKey> {
    const existing = await this.options.store.findForPeriod(tenantId, period);
    if (existing) return existing;
    const id = randomUUID();
    const plain = newDataKey();
    const wrapped = await this.options.kms.wrap(plain, { dataKeyId: id, tenantId });
    const winner = await this.options.store.insertOrGet({ id, tenantId, period, ...wrapped });
    // Another process may have won the race; only our own key's plaintext is known here.
    if (winner.id === id) this.unwrapped.set(id, Promise.resolve({ tenantId, key: plain }));
    return winner;
  }

  private async dataKeyById(dataKeyId: string, tenantId: string): Promise<Buffer> {
    let unwrapped = this.unwrapped.get(dataKeyId);
    if (!unwrapped) {
      unwrapped = this.loadAndUnwrap(dataKeyId);
      this.cacheUnwrapped(dataKeyId, unwrapped);
    }
    const { tenantId: owner, key } = await unwrapped;
    // A DEK of another tenant fails like a wrong key: nothing about it is revealed.
    if (owner !== tenantId) throw new PhiDecryptionError('data key not found for this tenant');
    return key;
  }

  private async loadAndUnwrap(dataKeyId: string): Promise<UnwrappedKey> {
    const stored = await this.options.store.findById(dataKeyId);
    if (!stored) throw new PhiDecryptionError('data key not found for this tenant');
    return this.unwrap(stored);
  }

  private async dataKey(stored: StoredDataKey): Promise<Buffer> {
    let unwrapped = this.unwrapped.get(stored.id);
    if (!unwrapped) {
      unwrapped = this.unwrap(stored);
      this.cacheUnwrapped(stored.id, unwrapped);
    }
    return (await unwrapped).key;
  }

  private async unwrap(stored: StoredDataKey): Promise<UnwrappedKey> {
    const context = { dataKeyId: stored.id, tenantId: stored.tenantId };
    return { tenantId: stored.tenantId, key: await this.options.kms.unwrap(stored, context) };
  }

  private cacheUnwrapped(dataKeyId: string, unwrapped: Promise<UnwrappedKey>): void {
    this.unwrapped.set(dataKeyId, unwrapped);
    // A failure (database down, KEK missing) is retried by the next caller, not remembered.
    unwrapped.catch(() => this.unwrapped.delete(dataKeyId));
  }
}

interface UnwrappedKey {
  readonly tenantId: string;
  readonly key: Buffer;
}

export function isEncryptedText(stored: string): boolean {
  return stored.startsWith(TEXT_PREFIX);
}

export function isEncryptedBytes(stored: Uint8Array): boolean {
  return stored.length >= BYTES_MAGIC.length && stored[0] === 0x00 && stored[1] === 0x01;
}

function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
