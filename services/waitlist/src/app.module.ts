import { type DynamicModule, Module } from '@nestjs/common';

import { type ServiceDatabase, ServiceInfrastructureModule } from '@caredispatch/platform';

import { type WaitlistConfig } from './config';

export const SERVICE_NAME = 'waitlist';

/** Only the outbox for now: what the migrate step builds and the runtime role may use. */
export const waitlistDatabase: ServiceDatabase = {
  entities: [],
  migrations: [],
  produces: true,
  consumes: false,
};

@Module({})
export class AppModule {
  static forRoot(config: WaitlistConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // No business events yet (a later issue); the relay and its producer are in place so
        // the service is wired like the others and readiness covers Kafka.
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: SERVICE_NAME,
          database: waitlistDatabase,
          topics: [],
        }),
      ],
    };
  }
}
