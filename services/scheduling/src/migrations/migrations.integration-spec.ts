import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { phiCryptoEntities, phiCryptoMigrations } from '@caredispatch/phi-crypto';
import { buildDataSourceOptions } from '@caredispatch/platform';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { schedulingEntities, schedulingMigrations } from '../entities';

describe('scheduling migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...phiCryptoEntities, ...schedulingEntities],
      migrations: [...kafkaMigrations, ...phiCryptoMigrations, ...schedulingMigrations],
      buildOptions: buildDataSourceOptions,
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
