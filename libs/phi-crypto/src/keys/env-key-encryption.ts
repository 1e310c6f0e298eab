import { KEY_BYTES, openBytes, sealBytes } from '../cipher/aes-gcm';

import {
  type DataKeyContext,
  type KeyEncryptionPort,
  UnknownKekError,
  type WrappedDataKey,
} from './key-encryption.port';

/** Anything that hands over its value only when asked (platform's `Secret` fits). */
export interface RevealableSecret<T> {
  reveal(): T;
}

/**
 * KEKs from the environment: `{ "<kekId>": "<base64 of 32 random bytes>" }`. Old KEKs stay
 * listed until rotation has re-wrapped every DEK under the active one.
 */
export class EnvKeyEncryption implements KeyEncryptionPort {
  private readonly keks: ReadonlyMap<string, Buffer>;

  constructor(
    keks: RevealableSecret<Readonly<Record<string, string>>>,
    readonly activeKekId: string,
  ) {
    this.keks = new Map(
      Object.entries(keks.reveal()).map(([kekId, base64]) => [kekId, decodeKek(kekId, base64)]),
    );
    if (!this.keks.has(activeKekId)) throw new UnknownKekError(activeKekId);
  }

  wrap(dataKey: Buffer, context: DataKeyContext): Promise<WrappedDataKey> {
    const kekId = this.activeKekId;
    return Promise.resolve({
      kekId,
      wrapped: sealBytes(this.kek(kekId), dataKey, wrapAad(kekId, context)),
    });
  }

  unwrap(wrapped: WrappedDataKey, context: DataKeyContext): Promise<Buffer> {
    return Promise.resolve(
      openBytes(this.kek(wrapped.kekId), wrapped.wrapped, wrapAad(wrapped.kekId, context)),
    );
  }

  private kek(kekId: string): Buffer {
    const kek = this.keks.get(kekId);
    if (!kek) throw new UnknownKekError(kekId);
    return kek;
  }
}

/** Throws naming the KEK id and the rule, never the value. */
export function decodeKek(kekId: string, base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== base64.trim()) {
    throw new RangeError(`KEK '${kekId}' must be the base64 of exactly ${KEY_BYTES} bytes`);
  }
  return key;
}

function wrapAad(kekId: string, context: DataKeyContext): Buffer {
  return Buffer.from(
    JSON.stringify(['caredispatch.dek.v1', kekId, context.tenantId, context.dataKeyId]),
  );
}
