import { type DynamicModule, Module } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { ServiceInfrastructureModule } from '@caredispatch/platform';

import { type WaitlistConfig } from './config';
import { waitlistEntities, waitlistMigrations } from './entities';
import { WaitlistModule } from './waitlist.module';

export const SERVICE_NAME = 'waitlist';

@Module({})
export class AppModule {
  static forRoot(config: WaitlistConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: SERVICE_NAME,
          entities: waitlistEntities,
          migrations: waitlistMigrations,
          consumer: {},
          produces: true,
          topics: [Topics.SchedulingAppointmentV1, Topics.WaitlistSlotV1],
        }),
        WaitlistModule,
      ],
    };
  }
}
