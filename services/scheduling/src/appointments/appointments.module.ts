import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { DirectoryRepository } from '../directory/directory.repository';

import { AppointmentQueryService } from './appointment-query.service';
import { AppointmentSyncService } from './appointment-sync.service';
import { AppointmentsConsumer } from './appointments.consumer';
import { AppointmentsController } from './appointments.controller';

@Module({
  controllers: [AppointmentsController],
  providers: [
    systemClockProvider,
    DirectoryRepository,
    AppointmentSyncService,
    AppointmentQueryService,
    AppointmentsConsumer,
  ],
})
export class AppointmentsModule {}
