import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { phiCryptoEntities, phiCryptoMigrations } from '@caredispatch/phi-crypto';
import { buildDataSourceOptions } from '@caredispatch/platform';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { ehrGatewayEntities, ehrGatewayMigrations } from '../entities';

describe('ehr-gateway migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...phiCryptoEntities, ...ehrGatewayEntities],
      migrations: [...kafkaMigrations, ...phiCryptoMigrations, ...ehrGatewayMigrations],
      buildOptions: buildDataSourceOptions,
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
