import { Module } from '@nestjs/common';

import { AppointmentsModule } from '../appointments/appointments.module';
import { EhrWriteBackModule } from '../ehr-write-back/ehr-write-back.module';
import { ExceptionsModule } from '../exceptions/exceptions.module';
import { RosterModule } from '../roster/roster.module';
import { RosterImportModule } from '../roster-import/roster-import.module';
import { SettingsModule } from '../settings/settings.module';
import { TravelModule } from '../travel/travel.module';

import { PlanEvents } from './plan-events';
import { PlanMaintenanceLoop } from './plan-maintenance.loop';
import { PlanReader } from './plan-published';
import { PlanScheduler } from './plan-scheduler';
import { PlanRepository } from './plan.repository';
import { PlannerService } from './planner.service';
import { PlansController, ProviderItineraryController } from './plans.controller';
import { SolverThread } from './solver-thread';

@Module({
  imports: [
    AppointmentsModule,
    EhrWriteBackModule,
    ExceptionsModule,
    RosterModule,
    RosterImportModule,
    SettingsModule,
    TravelModule,
  ],
  controllers: [PlansController, ProviderItineraryController],
  providers: [
    PlanRepository,
    { provide: PlanReader, useExisting: PlanRepository },
    PlanEvents,
    PlannerService,
    SolverThread,
    PlanScheduler,
    PlanMaintenanceLoop,
  ],
  exports: [PlanRepository, PlanReader, PlanEvents, PlannerService, PlanMaintenanceLoop],
})
export class PlanModule {}
