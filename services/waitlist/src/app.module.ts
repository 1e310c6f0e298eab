import { type DynamicModule, Module } from '@nestjs/common';

import { ServiceInfrastructureModule } from '@caredispatch/platform';

import { type WaitlistConfig } from './config';

export const SERVICE_NAME = 'waitlist';

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
          entities: [],
          migrations: [],
          produces: true,
          topics: [],
        }),
      ],
    };
  }
}
