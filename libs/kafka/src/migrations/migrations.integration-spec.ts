import { createTestDataSource } from '@caredispatch/testing';

import { kafkaEntities, kafkaMigrations } from '.';

import type { DataSource } from 'typeorm';

describe('kafkaMigrations', () => {
  let sut: DataSource;

  beforeAll(async () => {
    sut = await createTestDataSource('caredispatch_kafka_test_migrations', {
      entities: kafkaEntities,
      migrations: kafkaMigrations,
    });
  });

  afterAll(async () => {
    await sut.destroy();
  });

  it('should build exactly the schema the entities describe', async () => {
    const pending = await sut.driver.createSchemaBuilder().log();

    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('should roll back cleanly', async () => {
    for (const _ of kafkaMigrations) await sut.undoLastMigration();

    const tables = await sut.query<unknown[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_name IN ('outbox_message', 'inbox_event')`,
    );
    expect(tables).toEqual([]);
  });
});
