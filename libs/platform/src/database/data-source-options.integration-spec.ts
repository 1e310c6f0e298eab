import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from './data-source-options';

const PG_ADMIN_URL =
  process.env['TEST_PG_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe(buildDataSourceOptions.name, () => {
  let sut: DataSource;

  beforeAll(async () => {
    sut = new DataSource(
      buildDataSourceOptions({
        url: PG_ADMIN_URL,
        poolSize: 2,
        entities: [],
        migrations: [],
        applicationName: 'timeouts-test',
        timeouts: {
          statementTimeoutMs: 1_500,
          lockTimeoutMs: 700,
          idleInTransactionTimeoutMs: 4_000,
        },
      }),
    );
    await sut.initialize();
  });

  afterAll(async () => {
    await sut.destroy();
  });

  async function show(setting: string): Promise<string> {
    const rows = await sut.query<Record<string, string>[]>(`SHOW ${setting}`);
    return Object.values(rows.at(0) ?? {}).at(0) ?? '';
  }

  it('should put every pooled session under the configured timeouts, in UTC', async () => {
    expect(await show('statement_timeout')).toBe('1500ms');
    expect(await show('lock_timeout')).toBe('700ms');
    expect(await show('idle_in_transaction_session_timeout')).toBe('4s');
    expect(await show('TimeZone')).toBe('UTC');
  });

  it('should cancel a statement that runs past the statement timeout', async () => {
    await expect(sut.query('SELECT pg_sleep(5)')).rejects.toMatchObject({
      driverError: { code: '57014' },
    });
  });

  it('should fail a lock wait instead of queueing behind a stuck transaction', async () => {
    const holder = new Client({ connectionString: PG_ADMIN_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(424242)');

      await expect(sut.query('SELECT pg_advisory_lock(424242)')).rejects.toMatchObject({
        driverError: { code: '55P03' },
      });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });
});
