import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { buildDataSourceOptions } from '@caredispatch/platform';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { auditLogEntities, auditLogMigrations } from '../entities';

describe('audit-log migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...auditLogEntities],
      migrations: [...kafkaMigrations, ...auditLogMigrations],
      buildOptions: buildDataSourceOptions,
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
