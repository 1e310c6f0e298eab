import { type DynamicModule, Module } from '@nestjs/common';

import { type ServiceDatabase, ServiceInfrastructureModule } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from './config';

export const SERVICE_NAME = 'dispatch-optimizer';

/** Only the outbox for now: what the migrate step builds and the runtime role may use. */
export const dispatchOptimizerDatabase: ServiceDatabase = {
  entities: [],
  migrations: [],
  produces: true,
  consumes: false,
};

@Module({})
export class AppModule {
  static forRoot(config: DispatchOptimizerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // No business events yet (a later issue); the relay and its producer are in place so
        // the service is wired like the others and readiness covers Kafka.
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: SERVICE_NAME,
          database: dispatchOptimizerDatabase,
          topics: [],
        }),
      ],
    };
  }
}
