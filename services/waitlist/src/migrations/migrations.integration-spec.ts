import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { buildDataSourceOptions } from '@caredispatch/platform';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { waitlistEntities, waitlistMigrations } from '../entities';

describe('waitlist migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...waitlistEntities],
      migrations: [...kafkaMigrations, ...waitlistMigrations],
      buildOptions: buildDataSourceOptions,
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
