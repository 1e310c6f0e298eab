import { Module } from '@nestjs/common';

import { AppointmentsConsumer } from './appointments.consumer';
import { DispatchAppointmentRepository } from './dispatch-appointment.repository';

@Module({
  providers: [AppointmentsConsumer, DispatchAppointmentRepository],
  exports: [DispatchAppointmentRepository],
})
export class AppointmentsModule {}
