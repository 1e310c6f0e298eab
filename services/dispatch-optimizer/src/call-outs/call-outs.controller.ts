import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse } from '@nestjs/swagger';
import { z } from 'zod';

import { Authorize, CurrentPrincipal, type Principal, RoleGroups } from '@caredispatch/auth';

import { DispatchErrorCode } from '../dispatch.errors';
import { CallOutOutcomeDto } from '../http/dispatch.responses';
import { notFound, parseRequest, tenantOf } from '../http/parse-body';

import { CallOutService } from './call-out.service';

const instant = z.string().datetime({ offset: true, message: 'must be an ISO-8601 instant' });
const callOutBodySchema = z
  .object({
    from: instant,
    until: instant.optional(),
    reason: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
    idempotencyKey: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((body) => body.until === undefined || Date.parse(body.until) > Date.parse(body.from), {
    message: 'must be after from',
    path: ['until'],
  });

@Controller('v1/tenants/:tenantId/providers/:providerId/call-outs')
@Authorize({ roles: [...RoleGroups.schedulers] })
export class CallOutsController {
  constructor(private readonly callOuts: CallOutService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CallOutOutcomeDto })
  callOut(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('providerId') providerId: string,
    @Body() body: unknown,
  ) {
    const parsed = parseRequest(callOutBodySchema, body);
    return this.callOuts.callOut({
      tenantId: tenantOf(
        principal,
        tenantId,
        notFound(DispatchErrorCode.ProviderNotFound, 'Provider not found'),
      ),
      providerId,
      from: parsed.from,
      until: parsed.until ?? null,
      reason: parsed.reason,
      source: 'api',
      idempotencyKey: parsed.idempotencyKey ?? null,
    });
  }
}
