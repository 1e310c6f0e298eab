import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

import {
  Authorize,
  CurrentPrincipal,
  type Principal,
  requireTenant,
  Role,
  RoleGroups,
} from '@caredispatch/auth';
import { PhiAccessAction, RecordPhiAccess } from '@caredispatch/phi-access';

import { PatientMessagesDto, ReminderPlanDto } from './dto/patient-messages.openapi';
import {
  type PatientMessagesResponse,
  type ReminderPlanResponse,
} from './dto/patient-messages.response';
import {
  appointmentNotFound,
  PatientMessagesService,
  patientNotFound,
} from './patient-messages.service';

/** Staff reads of what messaging sent a patient and why (tenant from the token only). */
@Controller('v1/tenants/:tenantId')
@Authorize({ roles: [...RoleGroups.schedulers, Role.FrontDesk] })
export class PatientMessagesController {
  constructor(private readonly reads: PatientMessagesService) {}

  @Get('patients/:patientId/messages')
  @ApiOkResponse({ type: PatientMessagesDto })
  @RecordPhiAccess<PatientMessagesResponse>({
    action: PhiAccessAction.READ,
    resourceType: 'PatientMessages',
    describe: (history) => ({
      resourceIds: [history.patientId],
      patientIds: [history.patientId],
      resultCount: history.messages.length + history.replies.length,
    }),
  })
  patientMessages(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') pathTenantId: string,
    @Param('patientId', new ParseUUIDPipe()) patientId: string,
  ): Promise<PatientMessagesResponse> {
    // Another tenant's path answers exactly like a patient that does not exist.
    const tenantId = requireTenant(principal, pathTenantId, patientNotFound);
    return this.reads.patientMessages(tenantId, patientId);
  }

  @Get('appointments/:appointmentId/reminders')
  @ApiOkResponse({ type: ReminderPlanDto })
  appointmentReminders(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') pathTenantId: string,
    @Param('appointmentId', new ParseUUIDPipe()) appointmentId: string,
  ): Promise<ReminderPlanResponse> {
    const tenantId = requireTenant(principal, pathTenantId, appointmentNotFound);
    return this.reads.reminderPlan(tenantId, appointmentId);
  }
}
