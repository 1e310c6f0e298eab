import { Controller, Get, Param } from '@nestjs/common';

import { AppointmentQueryService } from './appointment-query.service';
import { type AppointmentResponse } from './dto/appointment.response';

@Controller('v1/tenants/:tenantId/appointments')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentQueryService) {}

  @Get(':appointmentId')
  getAppointment(
    @Param('tenantId') tenantId: string,
    @Param('appointmentId') appointmentId: string,
  ): Promise<AppointmentResponse> {
    return this.appointments.getAppointment(tenantId, appointmentId);
  }
}
