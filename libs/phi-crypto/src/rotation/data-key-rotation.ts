import { type KeyEncryptionPort } from '../keys/key-encryption.port';

type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/** A batch job in libs/kafka's RetentionTask shape (run under an advisory lock, batch by batch). */
export interface PhiBatchTask {
  readonly name: string;
  readonly lockKey: number;
  runBatch(query: Query, batchSize: number): Promise<number>;
}

interface WrappedRow {
  id: string;
  tenant_id: string;
  kek_id: string;
  wrapped_key: Buffer;
}

/**
 * Re-wraps data keys still wrapped by an older KEK under the active one. Ciphertexts are
 * untouched (they name the DEK, which does not change); once no row names an old KEK, that
 * KEK can be removed from the configuration.
 */
export function dataKeyRotation(kms: KeyEncryptionPort): PhiBatchTask {
  return {
    name: 'phi-data-key-rewrap',
    lockKey: 0x0c0ff20,
    async runBatch(query, batchSize) {
      const rows = (await query(
        `SELECT id, tenant_id, kek_id, wrapped_key FROM phi_data_key
          WHERE kek_id <> $1 ORDER BY created_at LIMIT $2 FOR UPDATE`,
        [kms.activeKekId, batchSize],
      )) as WrappedRow[];
      for (const row of rows) {
        const context = { dataKeyId: row.id, tenantId: row.tenant_id };
        const plain = await kms.unwrap({ kekId: row.kek_id, wrapped: row.wrapped_key }, context);
        const next = await kms.wrap(plain, context);
        await query(
          `UPDATE phi_data_key SET kek_id = $2, wrapped_key = $3, rewrapped_at = now() WHERE id = $1`,
          [row.id, next.kekId, next.wrapped],
        );
      }
      return rows.length;
    },
  };
}
