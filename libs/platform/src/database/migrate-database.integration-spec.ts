import { Client } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

import { ThrowawayDatabase } from '@caredispatch/testing';

import { buildDataSourceOptions } from './data-source-options';
import { migrateDatabase, pendingMigrations } from './migrate-database';
import { readWritePrivileges } from './runtime-privileges';

class CreateThing1700000000000 implements MigrationInterface {
  name = 'CreateThing1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE thing (id serial PRIMARY KEY, tenant_id text NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE thing`);
  }
}

describe(migrateDatabase.name, () => {
  let database: ThrowawayDatabase;

  beforeEach(async () => {
    database = await ThrowawayDatabase.createWithRoles('migrate_step');
  });

  afterEach(async () => {
    await database.drop();
  });

  const settings = () => ({
    url: database.ownerUrl,
    entities: [],
    migrations: [CreateThing1700000000000],
    applicationName: 'migrate-step-test',
    runtimeRole: database.roles?.runtime,
    privileges: readWritePrivileges,
  });

  async function pendingAsRuntime(): Promise<string[]> {
    const sut = new DataSource({
      ...buildDataSourceOptions({ ...settings(), url: database.runtimeUrl, poolSize: 1 }),
      migrationsRun: false,
    });
    await sut.initialize();
    try {
      return await pendingMigrations(sut);
    } finally {
      await sut.destroy();
    }
  }

  async function asRuntime(sql: string): Promise<string> {
    const client = new Client({ connectionString: database.runtimeUrl });
    await client.connect();
    try {
      return await client.query(sql).then(
        () => 'ok',
        (error: unknown) => String((error as { code?: unknown }).code),
      );
    } finally {
      await client.end();
    }
  }

  it('should let the runtime role see every migration as pending before the migrate step', async () => {
    expect(await pendingAsRuntime()).toEqual(['CreateThing1700000000000']);
  });

  it('should migrate as the owner and grant the runtime role rows, not schema', async () => {
    expect(await migrateDatabase(settings())).toEqual(['CreateThing1700000000000']);

    expect(await pendingAsRuntime()).toEqual([]);
    expect(await asRuntime(`INSERT INTO thing (tenant_id) VALUES ('a')`)).toBe('ok');
    expect(await asRuntime(`CREATE TABLE sneaky (id int)`)).toBe('42501');
    expect(await asRuntime(`ALTER TABLE thing ADD COLUMN x int`)).toBe('42501');
    expect(await asRuntime(`TRUNCATE thing`)).toBe('42501');
    expect(await asRuntime(`INSERT INTO migrations (timestamp, name) VALUES (1, 'x')`)).toBe(
      '42501',
    );
    expect(await migrateDatabase(settings())).toEqual([]);
  });

  it('should refuse to hand the service a runtime role that bypasses row-level security', async () => {
    await database.query(`ALTER ROLE "${database.roles?.runtime}" BYPASSRLS`);

    await expect(migrateDatabase(settings())).rejects.toThrow(/bypass row-level security/);
  });
});
