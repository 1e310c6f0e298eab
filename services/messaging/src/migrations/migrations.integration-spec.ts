import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { buildDataSourceOptions } from '@caredispatch/platform';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { messagingEntities, messagingMigrations } from '../entities';

describe('messaging migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...messagingEntities],
      migrations: [...kafkaMigrations, ...messagingMigrations],
      buildOptions: buildDataSourceOptions,
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
