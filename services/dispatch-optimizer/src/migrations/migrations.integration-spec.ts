import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { buildDataSourceOptions } from '@caredispatch/platform';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { dispatchEntities, dispatchMigrations } from '../entities';

describe('dispatch-optimizer migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...dispatchEntities],
      migrations: [...kafkaMigrations, ...dispatchMigrations],
      buildOptions: buildDataSourceOptions,
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
