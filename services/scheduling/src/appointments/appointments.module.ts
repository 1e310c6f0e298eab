import { Module } from '@nestjs/common';

import { systemClock } from '@caredispatch/contracts';

import { DirectoryRepository } from '../directory/directory.repository';

import { AppointmentQueryService } from './appointment-query.service';
import { AppointmentSyncService } from './appointment-sync.service';
import { AppointmentsConsumer } from './appointments.consumer';
import { AppointmentsController } from './appointments.controller';
import { CLOCK } from './clock.token';

@Module({
  controllers: [AppointmentsController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    DirectoryRepository,
    AppointmentSyncService,
    AppointmentQueryService,
    AppointmentsConsumer,
  ],
})
export class AppointmentsModule {}
