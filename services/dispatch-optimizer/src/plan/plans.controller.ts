import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';

import { Authorize, CurrentPrincipal, type Principal, Role, RoleGroups } from '@caredispatch/auth';

import { DispatchErrorCode } from '../dispatch.errors';
import { PlanVersionDto, ProviderDayPlanDto } from '../http/dispatch.responses';
import { notFound, parseRequest, tenantOf } from '../http/parse-body';

import { PlanRepository } from './plan.repository';
import { PlannerService } from './planner.service';

import type { PlanVersion, ProviderDayPlan } from './plan.model';

// Also the answer for another tenant's path, so it must not say which case it was.
const planNotFound = notFound(DispatchErrorCode.PlanNotFound, 'Plan not found');
const itineraryNotFound = notFound(DispatchErrorCode.PlanNotFound, 'Itinerary not found');
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

/** Whole plans carry every provider's patients: schedulers only. */
@Controller('v1/tenants/:tenantId/plans')
@Authorize({ roles: [...RoleGroups.schedulers] })
export class PlansController {
  constructor(
    private readonly planner: PlannerService,
    private readonly plans: PlanRepository,
  ) {}

  /** On-demand run over the given practice days. */
  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: PlanVersionDto })
  run(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Promise<PlanVersion> {
    return this.planner.run(
      tenantOf(principal, tenantId, planNotFound),
      'on-demand',
      parseRequest(runBodySchema, body).days,
    );
  }

  /** The newest version of the plan covering `day`. */
  @Get('current')
  @ApiOkResponse({ type: PlanVersionDto })
  async current(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Query('day') day: unknown,
  ): Promise<PlanVersion> {
    const tenant = tenantOf(principal, tenantId, planNotFound);
    const parsedDay = parseRequest(z.string().regex(DAY, 'must be YYYY-MM-DD'), day, 'day');
    const plan = await this.plans.currentForDay(tenant, parsedDay);
    if (!plan) throw planNotFound();
    return plan;
  }

  @Get(':planId/versions/:version')
  @ApiOkResponse({ type: PlanVersionDto })
  async version(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('planId') planId: string,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<PlanVersion> {
    const tenant = tenantOf(principal, tenantId, planNotFound);
    const id = parseRequest(z.string().uuid('must be a UUID'), planId, 'planId');
    const plan = await this.plans.version(tenant, id, version);
    if (!plan) throw planNotFound();
    return plan;
  }
}

/**
 * One provider's day from the current plan. A provider reads only their own day (another
 * provider's answers like a missing one); schedulers read anyone's.
 */
@Controller('v1/tenants/:tenantId/providers/:providerId/itinerary')
@Authorize({ roles: [...RoleGroups.schedulers, Role.Provider] })
export class ProviderItineraryController {
  constructor(private readonly plans: PlanRepository) {}

  @Get()
  @ApiOkResponse({ type: ProviderDayPlanDto })
  async day(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('providerId') providerId: string,
    @Query('day') day: unknown,
  ): Promise<ProviderDayPlan> {
    const tenant = tenantOf(principal, tenantId, itineraryNotFound);
    const schedulers: readonly Role[] = RoleGroups.schedulers;
    const schedules = principal.roles.some((role) => schedulers.includes(role));
    if (!schedules && principal.providerId !== providerId) throw itineraryNotFound();
    const parsedDay = parseRequest(z.string().regex(DAY, 'must be YYYY-MM-DD'), day, 'day');
    const plan = await this.plans.currentForDay(tenant, parsedDay);
    const found = plan?.providerDays.find(
      (entry) => entry.providerId === providerId && entry.day === parsedDay,
    );
    if (!found) throw itineraryNotFound();
    return found;
  }
}
