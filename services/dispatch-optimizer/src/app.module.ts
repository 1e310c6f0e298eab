import { type DynamicModule, Module } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { type ServiceDatabase, ServiceInfrastructureModule } from '@caredispatch/platform';

import { AppointmentsModule } from './appointments/appointments.module';
import { CallOutsModule } from './call-outs/call-outs.module';
import { ClockModule } from './clock.module';
import { type DispatchOptimizerConfig } from './config';
import { DeliveryModule } from './delivery/delivery.module';
import { dispatchEntities, dispatchMigrations } from './entities';
import { ExceptionsModule } from './exceptions/exceptions.module';
import { DISPATCH_PHI_COLUMNS } from './phi/dispatch-phi';
import { PlanModule } from './plan/plan.module';
import { RosterModule } from './roster/roster.module';
import { RosterImportModule } from './roster-import/roster-import.module';
import { SettingsModule } from './settings/settings.module';
import { WaitlistEscalationsModule } from './waitlist-escalations/waitlist-escalations.module';

export const SERVICE_NAME = 'dispatch-optimizer';

/**
 * What the migrate step builds and the runtime role may use. Patient display names, addresses,
 * plan documents and exception details are encrypted at rest, and so are the outbox payloads.
 */
export const dispatchOptimizerDatabase: ServiceDatabase = {
  entities: dispatchEntities,
  migrations: dispatchMigrations,
  produces: true,
  consumes: true,
  phi: { columns: DISPATCH_PHI_COLUMNS },
};

@Module({})
export class AppModule {
  static forRoot(config: DispatchOptimizerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: SERVICE_NAME,
          database: dispatchOptimizerDatabase,
          consumer: { fromBeginning: config.KAFKA_CONSUMER_FROM_BEGINNING },
          topics: [
            Topics.SchedulingAppointmentV1,
            Topics.DispatchPlanV1,
            Topics.DispatchRescheduleV1,
            Topics.DispatchItineraryV1,
            Topics.DispatchRosterImportV1,
            Topics.EhrRosterV1,
            Topics.AuditPhiAccessV1,
            Topics.DispatchEhrAssignmentV1,
            Topics.EhrWriteBackV1,
            Topics.WaitlistSlotV1,
          ],
        }),
        ClockModule.forRoot(config),
        SettingsModule,
        RosterModule,
        ExceptionsModule,
        AppointmentsModule,
        PlanModule,
        CallOutsModule,
        DeliveryModule,
        RosterImportModule,
        WaitlistEscalationsModule,
      ],
    };
  }
}
