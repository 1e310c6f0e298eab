import { type WrappedDataKey } from './key-encryption.port';

/** One tenant's data key for one period, as stored (wrapped). */
export interface StoredDataKey extends WrappedDataKey {
  readonly id: string;
  readonly tenantId: string;
  readonly period: string;
}

/** Where wrapped DEKs live: `phi_data_key` in each service's own database. */
export interface DataKeyStore {
  findById(id: string): Promise<StoredDataKey | undefined>;
  findForPeriod(tenantId: string, period: string): Promise<StoredDataKey | undefined>;
  /** Inserts unless the tenant already has a key for the period; returns the one that won. */
  insertOrGet(key: StoredDataKey): Promise<StoredDataKey>;
  /** Up to `limit` keys not wrapped by `activeKekId`, for rotation. */
  listWrappedByOtherKek(activeKekId: string, limit: number): Promise<StoredDataKey[]>;
  /** Replaces the wrap of `id` if it is still wrapped by `expectedKekId`; false otherwise. */
  rewrap(id: string, expectedKekId: string, next: WrappedDataKey): Promise<boolean>;
}

/** For unit tests and tools: the same contract without a database. */
export class InMemoryDataKeyStore implements DataKeyStore {
  readonly rows = new Map<string, StoredDataKey>();

  findById(id: string): Promise<StoredDataKey | undefined> {
    return Promise.resolve(this.rows.get(id));
  }

  findForPeriod(tenantId: string, period: string): Promise<StoredDataKey | undefined> {
    return Promise.resolve(
      [...this.rows.values()].find((row) => row.tenantId === tenantId && row.period === period),
    );
  }

  async insertOrGet(key: StoredDataKey): Promise<StoredDataKey> {
    const existing = await this.findForPeriod(key.tenantId, key.period);
    if (existing) return existing;
    this.rows.set(key.id, key);
    return key;
  }

  listWrappedByOtherKek(activeKekId: string, limit: number): Promise<StoredDataKey[]> {
    return Promise.resolve(
      [...this.rows.values()].filter((row) => row.kekId !== activeKekId).slice(0, limit),
    );
  }

  rewrap(id: string, expectedKekId: string, next: WrappedDataKey): Promise<boolean> {
    const row = this.rows.get(id);
    if (row?.kekId !== expectedKekId) return Promise.resolve(false);
    this.rows.set(id, { ...row, ...next });
    return Promise.resolve(true);
  }
}
