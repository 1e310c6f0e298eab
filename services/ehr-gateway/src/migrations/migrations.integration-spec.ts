import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { pendingSchemaChanges } from '@caredispatch/testing';

import { ehrGatewayEntities, ehrGatewayMigrations } from '../entities';

describe('ehr-gateway migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const sut = {
      entities: [...kafkaEntities, ...ehrGatewayEntities],
      migrations: [...kafkaMigrations, ...ehrGatewayMigrations],
    };

    expect(await pendingSchemaChanges(sut)).toEqual([]);
  });
});
