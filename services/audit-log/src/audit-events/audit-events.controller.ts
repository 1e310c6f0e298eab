import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

import { Authorize, CurrentPrincipal, type Principal, RoleGroups } from '@caredispatch/auth';

import { AuditTrailService } from './audit-trail.service';
import { AuditTrailResponseDto, ChainVerificationResponseDto } from './dto/audit-log.responses';
import {
  auditTrailQuerySchema,
  chainVerificationQuerySchema,
  parseQuery,
} from './dto/audit-query.dto';
import {
  type AuditTrailResponse,
  type ChainVerificationResponse,
} from './dto/audit-trail.response';

/** The audit API: compliance officers, their own tenant's trail only (tenant from the token). */
@Controller('v1/audit-events')
@Authorize({ roles: [...RoleGroups.auditReaders] })
export class AuditEventsController {
  constructor(private readonly trails: AuditTrailService) {}

  @Get()
  @ApiOkResponse({ type: AuditTrailResponseDto })
  trail(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
  ): Promise<AuditTrailResponse> {
    const { appointmentId } = parseQuery(auditTrailQuerySchema, query);
    return this.trails.trail(principal.tenantId, appointmentId);
  }

  @Get('verify')
  @ApiOkResponse({ type: ChainVerificationResponseDto })
  verify(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
  ): Promise<ChainVerificationResponse> {
    parseQuery(chainVerificationQuerySchema, query);
    return this.trails.verify(principal.tenantId);
  }
}
