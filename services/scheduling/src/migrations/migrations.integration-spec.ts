import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { schedulingEntities, schedulingMigrations } from '../entities';

describe('scheduling migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...schedulingEntities],
      migrations: [...kafkaMigrations, ...schedulingMigrations],
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
