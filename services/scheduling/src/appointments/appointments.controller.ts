import { Controller, Get, Param } from '@nestjs/common';

import { PhiAccessAction, RecordPhiAccess } from '@caredispatch/phi-access';

import { AppointmentQueryService } from './appointment-query.service';
import { type AppointmentResponse } from './dto/appointment.response';

@Controller('v1/tenants/:tenantId/appointments')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentQueryService) {}

  @Get(':appointmentId')
  @RecordPhiAccess<AppointmentResponse>({
    action: PhiAccessAction.READ,
    resourceType: 'Appointment',
    describe: (appointment) => ({
      resourceIds: [appointment.id],
      patientIds: [appointment.patientId],
      resultCount: 1,
    }),
  })
  getAppointment(
    @Param('tenantId') tenantId: string,
    @Param('appointmentId') appointmentId: string,
  ): Promise<AppointmentResponse> {
    return this.appointments.getAppointment(tenantId, appointmentId);
  }
}
