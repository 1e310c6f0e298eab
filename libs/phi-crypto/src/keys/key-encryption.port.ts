/** A data key (DEK) as stored: encrypted under the key-encryption key (KEK) named `kekId`. */
export interface WrappedDataKey {
  readonly kekId: string;
  readonly wrapped: Buffer;
}

/**
 * Binds a wrapped DEK to the row that stores it (a KMS "encryption context"): a wrapped key
 * copied onto another DEK id or tenant does not unwrap.
 */
export interface DataKeyContext {
  readonly dataKeyId: string;
  readonly tenantId: string;
}

/**
 * Where key-encryption keys live: the environment today (EnvKeyEncryption), a cloud KMS
 * (AWS KMS Encrypt/Decrypt with EncryptionContext, GCP KMS with AAD) tomorrow. KEKs never
 * leave the port; only DEKs pass through it.
 */
export interface KeyEncryptionPort {
  /** The KEK that wraps new DEKs and that rotation re-wraps old ones under. */
  readonly activeKekId: string;
  wrap(dataKey: Buffer, context: DataKeyContext): Promise<WrappedDataKey>;
  /** Throws UnknownKekError for a KEK id it does not hold, PhiDecryptionError when the wrap is not authentic. */
  unwrap(wrapped: WrappedDataKey, context: DataKeyContext): Promise<Buffer>;
}

export class UnknownKekError extends Error {
  override readonly name = 'UnknownKekError';

  constructor(kekId: string) {
    super(`no key-encryption key with id '${kekId}' is configured`);
  }
}
