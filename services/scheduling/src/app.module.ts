import { type DynamicModule, Module } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { ServiceInfrastructureModule } from '@caredispatch/platform';

import { AppointmentsModule } from './appointments/appointments.module';
import { type SchedulingConfig } from './config';
import { schedulingDatabase } from './entities';
import { RetentionModule } from './retention/retention.module';

@Module({})
export class AppModule {
  static forRoot(config: SchedulingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: 'scheduling',
          database: schedulingDatabase,
          consumer: {},
          topics: [Topics.EhrAppointmentV1, Topics.SchedulingAppointmentV1],
        }),
        AppointmentsModule,
        RetentionModule,
      ],
    };
  }
}
