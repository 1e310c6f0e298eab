import { randomBytes, randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import { runRetentionTask } from '@caredispatch/kafka';
import { ThrowawayDatabase } from '@caredispatch/testing';

import { PhiCipher } from '../cipher/phi-cipher';
import { EnvKeyEncryption } from '../keys/env-key-encryption';
import { PostgresDataKeyStore } from '../keys/postgres-data-key-store';
import { phiCryptoMigrations } from '../migrations';

import { columnReencryption, type PhiColumn } from './column-reencryption';
import { dataKeyRotation } from './data-key-rotation';

const secret = <T>(value: T) => ({ reveal: () => value });
const OLD_KEK = randomBytes(32).toString('base64');
const NEW_KEK = randomBytes(32).toString('base64');
const NAME: PhiColumn = {
  table: 'contact',
  column: 'name',
  kind: 'text',
  rowKey: 'id::text',
  idColumn: 'id',
};
const PAYLOAD: PhiColumn = { ...NAME, column: 'payload', kind: 'bytea' };

describe('PHI key maintenance against PostgreSQL', () => {
  let database: ThrowawayDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await ThrowawayDatabase.create('caredispatch_phi_crypto');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: phiCryptoMigrations,
      extra: { max: 3 },
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.query(
      `CREATE TABLE contact (id uuid PRIMARY KEY, tenant_id text NOT NULL, name text, payload bytea)`,
    );
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const cipherWith = (keks: Record<string, string>, active: string) =>
    new PhiCipher({
      kms: new EnvKeyEncryption(secret(keks), active),
      store: new PostgresDataKeyStore(dataSource),
    });

  async function contactRow(id: string) {
    const [row] = await dataSource.query<{ name: string; payload: Buffer }[]>(
      `SELECT name, payload FROM contact WHERE id = $1`,
      [id],
    );
    return row;
  }

  it('should encrypt rows written before encryption, re-wrap keys under a new KEK, and move data off a retired key', async () => {
    const id = randomUUID();
    const field = (column: string) => ({
      tenantId: 'clinic-a',
      table: 'contact',
      column,
      rowKey: id,
    });
    await dataSource.query(
      `INSERT INTO contact (id, tenant_id, name, payload) VALUES ($1, 'clinic-a', 'Ada Lovelace', '\\x0a03414441'::bytea)`,
      [id],
    );
    const before = cipherWith({ old: OLD_KEK }, 'old');

    const backfilled = await runRetentionTask(dataSource, columnReencryption(before, NAME, 1), 10);
    await runRetentionTask(dataSource, columnReencryption(before, PAYLOAD, 2), 10);

    expect(backfilled).toBe(1);
    const encrypted = await contactRow(id);
    expect(encrypted.name).toMatch(/^phi1\./);
    expect(await before.decryptText(field('name'), encrypted.name)).toBe('Ada Lovelace');
    expect((await before.decryptBytes(field('payload'), encrypted.payload)).toString('hex')).toBe(
      '0a03414441',
    );

    const rotated = cipherWith({ old: OLD_KEK, new: NEW_KEK }, 'new');
    const rewrapped = await runRetentionTask(
      dataSource,
      dataKeyRotation(new EnvKeyEncryption(secret({ old: OLD_KEK, new: NEW_KEK }), 'new')),
      10,
    );
    expect(rewrapped).toBe(1);
    const afterOldKekRemoved = cipherWith({ new: NEW_KEK }, 'new');
    expect(await afterOldKekRemoved.decryptText(field('name'), encrypted.name)).toBe(
      'Ada Lovelace',
    );

    await dataSource.query(`UPDATE phi_data_key SET retired_at = now()`);
    const moved = await runRetentionTask(dataSource, columnReencryption(rotated, NAME, 1), 10);
    expect(moved).toBe(1);
    const reencrypted = await contactRow(id);
    expect(PhiCipher.dataKeyIdOf(reencrypted.name)).not.toBe(PhiCipher.dataKeyIdOf(encrypted.name));
    expect(await afterOldKekRemoved.decryptText(field('name'), reencrypted.name)).toBe(
      'Ada Lovelace',
    );
    expect(await runRetentionTask(dataSource, columnReencryption(rotated, NAME, 1), 10)).toBe(0);
  });
});
