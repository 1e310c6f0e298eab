import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';

import { Authorize, CurrentPrincipal, type Principal, RoleGroups } from '@caredispatch/auth';

import { DispatchErrorCode } from '../dispatch.errors';
import { DispatchExceptionDto } from '../http/dispatch.responses';
import { notFound, parseRequest, tenantOf } from '../http/parse-body';

import { ExceptionsService } from './exceptions.service';

const exceptionNotFound = notFound(DispatchErrorCode.ExceptionNotFound, 'Exception not found');
const listQuerySchema = z.object({
  status: z
    .enum(['open', 'resolved', 'all'], { message: 'must be open, resolved or all' })
    .default('open'),
});

/**
 * What coordinators work through: unserved visits, fallback estimates, call-outs, failed
 * deliveries, freed slots the waitlist could not fill.
 */
@Controller('v1/tenants/:tenantId/exceptions')
@Authorize({ roles: [...RoleGroups.schedulers] })
export class ExceptionsController {
  constructor(private readonly exceptions: ExceptionsService) {}

  @Get()
  @ApiOkResponse({ type: [DispatchExceptionDto] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Query() query: unknown,
  ) {
    return this.exceptions.list(
      tenantOf(principal, tenantId, exceptionNotFound),
      parseRequest(listQuerySchema, query, 'query').status,
    );
  }

  @Post(':exceptionId/resolve')
  @HttpCode(200)
  @ApiOkResponse({ type: DispatchExceptionDto })
  resolve(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('exceptionId') exceptionId: string,
  ) {
    return this.exceptions.resolve(
      tenantOf(principal, tenantId, exceptionNotFound),
      parseRequest(z.string().uuid('must be a UUID'), exceptionId, 'exceptionId'),
    );
  }
}
