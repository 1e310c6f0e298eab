import { randomBytes } from 'node:crypto';

import { PhiCipher } from '../cipher/phi-cipher';
import { InMemoryDataKeyStore } from '../keys/data-key-store';
import { EnvKeyEncryption } from '../keys/env-key-encryption';

import { dataKeyRotation } from './data-key-rotation';

const secret = <T>(value: T) => ({ reveal: () => value });

/** Runs the task's SQL against the in-memory store: the two statements it issues. */
function queryOver(store: InMemoryDataKeyStore) {
  return (sql: string, params: unknown[] = []): Promise<unknown> => {
    if (sql.trimStart().startsWith('SELECT')) {
      const [active, limit] = params as [string, number];
      return store.listWrappedByOtherKek(active, limit).then((rows) =>
        rows.map((row) => ({
          id: row.id,
          tenant_id: row.tenantId,
          kek_id: row.kekId,
          wrapped_key: row.wrapped,
        })),
      );
    }
    const [id, kekId, wrapped] = params as [string, string, Buffer];
    const row = store.rows.get(id);
    if (row) store.rows.set(id, { ...row, kekId, wrapped });
    return Promise.resolve([[], 1]);
  };
}

describe(dataKeyRotation.name, () => {
  it('should re-wrap every data key under the newest KEK so the old KEK can be removed', async () => {
    const oldKek = randomBytes(32).toString('base64');
    const newKek = randomBytes(32).toString('base64');
    const store = new InMemoryDataKeyStore();
    const before = new PhiCipher({
      kms: new EnvKeyEncryption(secret({ old: oldKek }), 'old'),
      store,
    });
    const field = { tenantId: 'clinic-a', table: 'message', column: 'body', rowKey: 'm1' };
    const stored = await before.encryptText(field, 'Your visit is at 9:30 AM');
    const bothKeks = new EnvKeyEncryption(secret({ old: oldKek, new: newKek }), 'new');
    const sut = dataKeyRotation(bothKeks);

    const rewrapped = await sut.runBatch(queryOver(store), 100);
    const again = await sut.runBatch(queryOver(store), 100);

    expect(rewrapped).toBe(1);
    expect(again).toBe(0);
    expect([...store.rows.values()].map((row) => row.kekId)).toEqual(['new']);
    const afterOldKekRemoved = new PhiCipher({
      kms: new EnvKeyEncryption(secret({ new: newKek }), 'new'),
      store,
    });
    expect(await afterOldKekRemoved.decryptText(field, stored)).toBe('Your visit is at 9:30 AM');
  });
});
