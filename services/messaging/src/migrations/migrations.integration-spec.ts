import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { phiCryptoEntities, phiCryptoMigrations } from '@caredispatch/phi-crypto';
import { buildDataSourceOptions } from '@caredispatch/platform';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { messagingEntities, messagingMigrations } from '../entities';

describe('messaging migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...phiCryptoEntities, ...messagingEntities],
      migrations: [...kafkaMigrations, ...phiCryptoMigrations, ...messagingMigrations],
      buildOptions: buildDataSourceOptions,
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
