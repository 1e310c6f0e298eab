import { type DynamicModule, Module } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { type ServiceDatabase, ServiceInfrastructureModule } from '@caredispatch/platform';

import { type WaitlistConfig } from './config';
import { waitlistEntities, waitlistMigrations } from './entities';
import { WaitlistModule } from './waitlist.module';

export const SERVICE_NAME = 'waitlist';

/**
 * What the migrate step builds and the runtime role may use. Entries, slots, offers and the
 * outbox are under row-level security (docs/database-isolation.md).
 */
export const waitlistDatabase: ServiceDatabase = {
  entities: waitlistEntities,
  migrations: waitlistMigrations,
  produces: true,
  consumes: true,
};

@Module({})
export class AppModule {
  static forRoot(config: WaitlistConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: SERVICE_NAME,
          database: waitlistDatabase,
          consumer: {},
          topics: [
            Topics.SchedulingAppointmentV1,
            Topics.WaitlistSlotV1,
            Topics.MessagingPatientResponseV1,
            Topics.EhrWriteBackV1,
          ],
        }),
        WaitlistModule,
      ],
    };
  }
}
