import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';

import { parseRequest, parseTenantId } from '../http/parse-body';

import { ExceptionsService } from './exceptions.service';

const listQuerySchema = z.object({
  status: z
    .enum(['open', 'resolved', 'all'], { message: 'must be open, resolved or all' })
    .default('open'),
});

/** What coordinators work through: unserved visits, fallback estimates, call-outs, failed deliveries. */
@Controller('v1/tenants/:tenantId/exceptions')
export class ExceptionsController {
  constructor(private readonly exceptions: ExceptionsService) {}

  @Get()
  list(@Param('tenantId') tenantId: string, @Query() query: unknown) {
    return this.exceptions.list(
      parseTenantId(tenantId),
      parseRequest(listQuerySchema, query, 'query').status,
    );
  }

  @Post(':exceptionId/resolve')
  @HttpCode(200)
  resolve(@Param('tenantId') tenantId: string, @Param('exceptionId') exceptionId: string) {
    return this.exceptions.resolve(
      parseTenantId(tenantId),
      parseRequest(z.string().uuid('must be a UUID'), exceptionId, 'exceptionId'),
    );
  }
}
