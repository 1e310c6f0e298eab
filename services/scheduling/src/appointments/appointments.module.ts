import { Module } from '@nestjs/common';

import { PhiAccessModule } from '@caredispatch/phi-access';
import { systemClockProvider } from '@caredispatch/platform';

import { DirectoryRepository } from '../directory/directory.repository';

import { AppointmentQueryService } from './appointment-query.service';
import { AppointmentSyncService } from './appointment-sync.service';
import { AppointmentsConsumer } from './appointments.consumer';
import { AppointmentsController } from './appointments.controller';

@Module({
  // Every appointment read is recorded (who read which patient's appointment) via the outbox.
  imports: [PhiAccessModule],
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
