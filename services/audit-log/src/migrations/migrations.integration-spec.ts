import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { auditLogEntities, auditLogMigrations } from '../entities';

describe('audit-log migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...auditLogEntities],
      migrations: [...kafkaMigrations, ...auditLogMigrations],
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
