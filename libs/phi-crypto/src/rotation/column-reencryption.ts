import { type PhiCipher } from '../cipher/phi-cipher';
import { type PhiField } from '../cipher/phi-field';

import { type PhiBatchTask } from './data-key-rotation';

/** A column holding PHI, as the re-encryption job finds and rewrites it. */
export interface PhiColumn {
  readonly table: string;
  readonly column: string;
  /** `text` holds `phi1.` strings, `bytea` the byte format (0x00 0x01 …). */
  readonly kind: 'text' | 'bytea';
  /** SQL expression of the AAD row key, e.g. `id::text` (must match what the writer uses). */
  readonly rowKey: string;
  /** SQL identifying the row for the UPDATE (its primary key column). */
  readonly idColumn: string;
}

interface CandidateRow {
  row_id: string;
  tenant_id: string;
  row_key: string;
  value: string | Buffer;
}

const RETIRED_KEY_IDS = `SELECT id::text FROM phi_data_key WHERE retired_at IS NOT NULL`;

/**
 * Encrypts what is still plaintext (rows written before encryption was switched on) and moves
 * ciphertexts off retired data keys, batch by batch. Each UPDATE only applies if the value is
 * unchanged since it was read, so a concurrent write or a retention scrub always wins.
 */
export function columnReencryption(
  cipher: PhiCipher,
  target: PhiColumn,
  lockKey: number,
): PhiBatchTask {
  const { table, column, idColumn, rowKey } = target;
  const needsWork =
    target.kind === 'text'
      ? `(${column} NOT LIKE 'phi1.%' OR split_part(${column}, '.', 2) IN (${RETIRED_KEY_IDS}))`
      : `(substring(${column} from 1 for 2) <> '\\x0001'::bytea
          OR encode(substring(${column} from 3 for 16), 'hex')
             IN (SELECT replace(id, '-', '') FROM (${RETIRED_KEY_IDS}) retired(id)))`;
  return {
    name: `phi-reencrypt-${table}.${column}`,
    lockKey,
    async runBatch(query, batchSize) {
      // A key retired since the last batch must not be the one we re-encrypt under.
      cipher.forgetCurrentKeys();
      const rows = (await query(
        `SELECT ${idColumn}::text AS row_id, tenant_id::text AS tenant_id, ${rowKey} AS row_key,
                ${column} AS value
           FROM ${table}
          WHERE ${column} IS NOT NULL AND ${needsWork}
          LIMIT $1`,
        [batchSize],
      )) as CandidateRow[];
      for (const row of rows) {
        const field: PhiField = { tenantId: row.tenant_id, table, column, rowKey: row.row_key };
        const next =
          typeof row.value === 'string'
            ? await cipher.encryptText(field, await cipher.decryptText(field, row.value))
            : await cipher.encryptBytes(field, await cipher.decryptBytes(field, row.value));
        await query(
          `UPDATE ${table} SET ${column} = $2 WHERE ${idColumn}::text = $1 AND ${column} = $3`,
          [row.row_id, next, row.value],
        );
      }
      return rows.length;
    },
  };
}
