import { type DynamicModule, Module } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { ServiceInfrastructureModule } from '@caredispatch/platform';

import { AppointmentsModule } from './appointments/appointments.module';
import { CallOutsModule } from './call-outs/call-outs.module';
import { ClockModule } from './clock.module';
import { type DispatchOptimizerConfig } from './config';
import { DeliveryModule } from './delivery/delivery.module';
import { dispatchEntities, dispatchMigrations } from './entities';
import { ExceptionsModule } from './exceptions/exceptions.module';
import { PlanModule } from './plan/plan.module';
import { RosterModule } from './roster/roster.module';
import { SettingsModule } from './settings/settings.module';

export const SERVICE_NAME = 'dispatch-optimizer';

@Module({})
export class AppModule {
  static forRoot(config: DispatchOptimizerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: SERVICE_NAME,
          entities: dispatchEntities,
          migrations: dispatchMigrations,
          consumer: { fromBeginning: config.KAFKA_CONSUMER_FROM_BEGINNING },
          produces: true,
          topics: [
            Topics.SchedulingAppointmentV1,
            Topics.DispatchPlanV1,
            Topics.DispatchRescheduleV1,
            Topics.DispatchItineraryV1,
          ],
        }),
        ClockModule,
        SettingsModule,
        RosterModule,
        ExceptionsModule,
        AppointmentsModule,
        PlanModule,
        CallOutsModule,
        DeliveryModule,
      ],
    };
  }
}
