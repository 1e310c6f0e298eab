import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { buildDataSourceOptions } from '@caredispatch/platform';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { ehrGatewayEntities, ehrGatewayMigrations } from '../entities';

describe('ehr-gateway migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...ehrGatewayEntities],
      migrations: [...kafkaMigrations, ...ehrGatewayMigrations],
      buildOptions: buildDataSourceOptions,
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
