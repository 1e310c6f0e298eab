import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

import {
  Authorize,
  CurrentPrincipal,
  type Principal,
  requireTenant,
  RoleGroups,
} from '@caredispatch/auth';
import { PhiAccessAction, RecordPhiAccess } from '@caredispatch/phi-access';

import { AppointmentQueryService } from './appointment-query.service';
import { readerScopeOf } from './appointment-reader-scope';
import { appointmentNotFound } from './appointments.errors';
import { type AppointmentResponse, AppointmentResponseDto } from './dto/appointment.response';

@Controller('v1/tenants/:tenantId/appointments')
@Authorize({ roles: [...RoleGroups.appointmentReaders] })
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentQueryService) {}

  @Get(':appointmentId')
  @ApiOkResponse({ type: AppointmentResponseDto })
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
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') pathTenantId: string,
    @Param('appointmentId') appointmentId: string,
  ): Promise<AppointmentResponse> {
    // Another tenant's path answers exactly like an appointment that does not exist.
    requireTenant(principal, pathTenantId, appointmentNotFound);
    return this.appointments.getAppointment(readerScopeOf(principal), appointmentId);
  }
}
