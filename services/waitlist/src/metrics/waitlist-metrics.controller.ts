import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';

import { Authorize, CurrentPrincipal, type Principal, Role } from '@caredispatch/auth';

import { parseRequest, tenantOf } from '../http/parse-request';
import { WeeklyFillMetricsDto } from '../http/waitlist.responses';
import { WaitlistError, WaitlistErrorCode } from '../waitlist.errors';

import { WaitlistMetricsService, type WeeklyFillMetrics } from './waitlist-metrics.service';

const DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const metricsQuerySchema = z
  .object({ from: DATE, until: DATE })
  .strict()
  .refine(({ from, until }) => from <= until, {
    path: ['until'],
    message: 'must not be before from',
  });

const notFound = (): WaitlistError =>
  new WaitlistError(WaitlistErrorCode.SlotNotFound, 'Not found');

@Controller('v1/tenants/:tenantId/waitlist/metrics')
@Authorize({ roles: [Role.PracticeAdmin, Role.Coordinator] })
export class WaitlistMetricsController {
  constructor(private readonly metrics: WaitlistMetricsService) {}

  /** Per ISO week: slots freed, filled from the waitlist, fill rate, time to fill, escalations. */
  @Get()
  @ApiOkResponse({ type: [WeeklyFillMetricsDto] })
  weekly(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Query() query: unknown,
  ): Promise<WeeklyFillMetrics[]> {
    const tenant = tenantOf(principal, tenantId, notFound);
    const { from, until } = parseRequest(metricsQuerySchema, query, 'query');
    return this.metrics.weekly(tenant, from, until);
  }
}
