import { Controller, Get, Query, UseGuards } from '@nestjs/common';

import { AuditTokenGuard } from './audit-token.guard';
import { AuditTrailService } from './audit-trail.service';
import {
  auditTrailQuerySchema,
  chainVerificationQuerySchema,
  parseQuery,
} from './dto/audit-query.dto';
import {
  type AuditTrailResponse,
  type ChainVerificationResponse,
} from './dto/audit-trail.response';

@Controller('v1/audit-events')
@UseGuards(AuditTokenGuard)
export class AuditEventsController {
  constructor(private readonly trails: AuditTrailService) {}

  @Get()
  trail(@Query() query: unknown): Promise<AuditTrailResponse> {
    const { tenantId, appointmentId } = parseQuery(auditTrailQuerySchema, query);
    return this.trails.trail(tenantId, appointmentId);
  }

  @Get('verify')
  verify(@Query() query: unknown): Promise<ChainVerificationResponse> {
    const { tenantId } = parseQuery(chainVerificationQuerySchema, query);
    return this.trails.verify(tenantId);
  }
}
