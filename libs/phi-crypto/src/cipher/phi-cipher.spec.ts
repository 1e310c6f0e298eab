import { randomBytes } from 'node:crypto';

import fc from 'fast-check';

import { InMemoryDataKeyStore } from '../keys/data-key-store';
import { EnvKeyEncryption } from '../keys/env-key-encryption';
import { type KeyEncryptionPort } from '../keys/key-encryption.port';

import { PhiDecryptionError } from './aes-gcm';
import { PhiCipher } from './phi-cipher';
import { type PhiField } from './phi-field';

const secret = <T>(value: T) => ({ reveal: () => value });
const newKek = () => randomBytes(32).toString('base64');

function kms(keks: Record<string, string>, active: string): KeyEncryptionPort {
  return new EnvKeyEncryption(secret(keks), active);
}

class CountingKms implements KeyEncryptionPort {
  unwraps = 0;
  constructor(private readonly inner: KeyEncryptionPort) {}
  get activeKekId(): string {
    return this.inner.activeKekId;
  }
  wrap: KeyEncryptionPort['wrap'] = (key, context) => this.inner.wrap(key, context);
  unwrap: KeyEncryptionPort['unwrap'] = (wrapped, context) => {
    this.unwraps += 1;
    return this.inner.unwrap(wrapped, context);
  };
}

const field = (overrides: Partial<PhiField> = {}): PhiField => ({
  tenantId: 'clinic-a',
  table: 'patient',
  column: 'given_name',
  rowKey: 'ehr-patient-1',
  ...overrides,
});

describe(PhiCipher.name, () => {
  const keks = { k1: newKek() };
  const store = new InMemoryDataKeyStore();
  const sut = new PhiCipher({ kms: kms(keks, 'k1'), store });

  it('should round-trip any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), fc.string(), async (plaintext, rowKey) => {
        const stored = await sut.encryptText(field({ rowKey }), plaintext);

        expect(await sut.decryptText(field({ rowKey }), stored)).toBe(plaintext);
      }),
    );
  });

  it('should never store a name readable', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Z][a-z]{7,20}$/), async (name) => {
        const stored = await sut.encryptText(field(), name);

        expect(stored).not.toContain(name);
      }),
    );
  });

  it('should round-trip any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array(), async (plaintext) => {
        const stored = await sut.encryptBytes(field({ column: 'payload' }), plaintext);

        expect(
          Buffer.compare(
            await sut.decryptBytes(field({ column: 'payload' }), stored),
            Buffer.from(plaintext),
          ),
        ).toBe(0);
      }),
    );
  });

  it('should encrypt the same text differently each time (random nonce)', async () => {
    const first = await sut.encryptText(field(), '+15555550100');
    const second = await sut.encryptText(field(), '+15555550100');

    expect(first).not.toBe(second);
  });

  it('should reject a ciphertext with any byte altered', async () => {
    const stored = await sut.encryptBytes(field(), Buffer.from('Ada Lovelace'));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 18, max: stored.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (index, flip) => {
          const tampered = Buffer.from(stored);
          tampered[index] ^= flip;

          await expect(sut.decryptBytes(field(), tampered)).rejects.toThrow(PhiDecryptionError);
        },
      ),
    );
  });

  it.each([
    ['tenant', { tenantId: 'clinic-b' }],
    ['table', { table: 'message' }],
    ['column', { column: 'family_name' }],
    ['row', { rowKey: 'ehr-patient-2' }],
  ])('should refuse a ciphertext moved to another %s', async (_, moved) => {
    const stored = await sut.encryptText(field(), 'Ada');

    await expect(sut.decryptText(field(moved), stored)).rejects.toThrow(PhiDecryptionError);
  });

  it('should use one data key per tenant per month and unwrap it once per process', async () => {
    const counting = new CountingKms(kms(keks, 'k1'));
    const shared = new InMemoryDataKeyStore();
    const writer = new PhiCipher({ kms: kms(keks, 'k1'), store: shared });
    const reader = new PhiCipher({ kms: counting, store: shared });
    const values = await Promise.all(
      Array.from({ length: 20 }, (_, i) => writer.encryptText(field({ rowKey: `r${i}` }), `v${i}`)),
    );

    const decrypted = await Promise.all(
      values.map((value, i) => reader.decryptText(field({ rowKey: `r${i}` }), value)),
    );

    expect(decrypted).toEqual(values.map((_, i) => `v${i}`));
    expect(new Set(values.map((value) => PhiCipher.dataKeyIdOf(value))).size).toBe(1);
    expect(counting.unwraps).toBe(1);
  });

  it('should start a new data key with a new month', async () => {
    let now = new Date('2026-11-30T23:59:00Z');
    const monthly = new PhiCipher({
      kms: kms(keks, 'k1'),
      store: new InMemoryDataKeyStore(),
      clock: { now: () => now },
    });
    const november = await monthly.encryptText(field(), 'Ada');
    now = new Date('2026-12-01T00:01:00Z');
    const december = await monthly.encryptText(field(), 'Ada');

    expect(PhiCipher.dataKeyIdOf(november)).not.toBe(PhiCipher.dataKeyIdOf(december));
    expect(await monthly.decryptText(field(), november)).toBe('Ada');
  });

  it('should pass values written before encryption through unchanged', async () => {
    expect(await sut.decryptText(field(), '+15555550100')).toBe('+15555550100');
    expect((await sut.decryptBytes(field(), Buffer.from([0x0a, 0x01]))).toString('hex')).toBe(
      '0a01',
    );
  });

  it('should not decrypt without the KEK that wrapped the data key', async () => {
    const stored = await sut.encryptText(field(), 'Ada');
    const otherProcess = new PhiCipher({ kms: kms({ k2: newKek() }, 'k2'), store });

    await expect(otherProcess.decryptText(field(), stored)).rejects.toThrow(
      /no key-encryption key/,
    );
  });
});
