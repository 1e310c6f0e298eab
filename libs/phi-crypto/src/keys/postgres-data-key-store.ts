import { type DataSource } from 'typeorm';

import { type DataKeyStore, type StoredDataKey } from './data-key-store';
import { type WrappedDataKey } from './key-encryption.port';

interface DataKeyRow {
  id: string;
  tenant_id: string;
  period: string;
  kek_id: string;
  wrapped_key: Buffer;
}

const COLUMNS = 'id, tenant_id, period, kek_id, wrapped_key';

/**
 * `phi_data_key` through the service's DataSource, outside the caller's transaction: a key
 * created for a transaction that then rolls back is merely unused.
 */
export class PostgresDataKeyStore implements DataKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  async findById(id: string): Promise<StoredDataKey | undefined> {
    const rows = await this.dataSource.query<DataKeyRow[]>(
      `SELECT ${COLUMNS} FROM phi_data_key WHERE id = $1`,
      [id],
    );
    return rows.map(toStored).at(0);
  }

  async findForPeriod(tenantId: string, period: string): Promise<StoredDataKey | undefined> {
    const rows = await this.dataSource.query<DataKeyRow[]>(
      `SELECT ${COLUMNS} FROM phi_data_key
        WHERE tenant_id = $1 AND period = $2 AND retired_at IS NULL`,
      [tenantId, period],
    );
    return rows.map(toStored).at(0);
  }

  async insertOrGet(key: StoredDataKey): Promise<StoredDataKey> {
    await this.dataSource.query(
      `INSERT INTO phi_data_key (id, tenant_id, period, kek_id, wrapped_key)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, period) WHERE retired_at IS NULL DO NOTHING`,
      [key.id, key.tenantId, key.period, key.kekId, key.wrapped],
    );
    const winner = await this.findForPeriod(key.tenantId, key.period);
    if (!winner) throw new Error('phi_data_key row vanished after insert');
    return winner;
  }

  async listWrappedByOtherKek(activeKekId: string, limit: number): Promise<StoredDataKey[]> {
    const rows = await this.dataSource.query<DataKeyRow[]>(
      `SELECT ${COLUMNS} FROM phi_data_key WHERE kek_id <> $1 ORDER BY created_at LIMIT $2`,
      [activeKekId, limit],
    );
    return rows.map(toStored);
  }

  async rewrap(id: string, expectedKekId: string, next: WrappedDataKey): Promise<boolean> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      // CTE-wrapped so TypeORM returns plain rows rather than [rows, count].
      `WITH rewrapped AS (
         UPDATE phi_data_key SET kek_id = $3, wrapped_key = $4, rewrapped_at = now()
          WHERE id = $1 AND kek_id = $2 RETURNING id)
       SELECT id FROM rewrapped`,
      [id, expectedKekId, next.kekId, next.wrapped],
    );
    return rows.length === 1;
  }
}

function toStored(row: DataKeyRow): StoredDataKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    period: row.period,
    kekId: row.kek_id,
    wrapped: row.wrapped_key,
  };
}
