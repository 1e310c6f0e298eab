import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { z } from 'zod';

import { DispatchError, DispatchErrorCode } from '../dispatch.errors';
import { parseRequest, parseTenantId } from '../http/parse-body';

import { PlanRepository } from './plan.repository';
import { PlannerService } from './planner.service';

import type { PlanVersion } from './plan.model';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const runBodySchema = z
  .object({
    days: z
      .array(z.string().regex(DAY, 'must be YYYY-MM-DD'))
      .min(1, 'needs at least one day')
      .max(14, 'must be at most 14 days')
      .refine(
        (days) => days.every((day, i) => i === 0 || days[i - 1] < day),
        'must be ascending and distinct',
      ),
  })
  .strict();

@Controller('v1/tenants/:tenantId/plans')
export class PlansController {
  constructor(
    private readonly planner: PlannerService,
    private readonly plans: PlanRepository,
  ) {}

  /** On-demand run over the given practice days. */
  @Post()
  @HttpCode(201)
  run(@Param('tenantId') tenantId: string, @Body() body: unknown): Promise<PlanVersion> {
    return this.planner.run(
      parseTenantId(tenantId),
      'on-demand',
      parseRequest(runBodySchema, body).days,
    );
  }

  /** The newest version of the plan covering `day`. */
  @Get('current')
  async current(
    @Param('tenantId') tenantId: string,
    @Query('day') day: unknown,
  ): Promise<PlanVersion> {
    const parsedDay = parseRequest(z.string().regex(DAY, 'must be YYYY-MM-DD'), day, 'day');
    const plan = await this.plans.currentForDay(parseTenantId(tenantId), parsedDay);
    if (!plan) throw new DispatchError(DispatchErrorCode.PlanNotFound, 'No plan covers that day');
    return plan;
  }

  @Get(':planId/versions/:version')
  async version(
    @Param('tenantId') tenantId: string,
    @Param('planId') planId: string,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<PlanVersion> {
    const id = parseRequest(z.string().uuid('must be a UUID'), planId, 'planId');
    const plan = await this.plans.version(parseTenantId(tenantId), id, version);
    if (!plan) throw new DispatchError(DispatchErrorCode.PlanNotFound, 'Plan version not found');
    return plan;
  }
}
