import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

import {
  Authorize,
  CurrentPrincipal,
  type Principal,
  requireTenant,
  Role,
  RoleGroups,
} from '@caredispatch/auth';

import { type ReminderSettings } from '../planning/cadence-settings';

import { ReminderPreviewDto, ReminderSettingsAnswerDto } from './dto/reminder-settings.responses';
import { type PreviewStep, ReminderSettingsService } from './reminder-settings.service';

/** A tenant's reminder cadences (admin); the tenant comes from the token only. */
@Controller('v1/tenants/:tenantId/reminder-settings')
export class ReminderSettingsController {
  constructor(private readonly settings: ReminderSettingsService) {}

  @Get()
  @Authorize({ roles: [...RoleGroups.schedulers] })
  @ApiOkResponse({ type: ReminderSettingsAnswerDto })
  async read(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') pathTenantId: string,
  ): Promise<{ source: string; settings: ReminderSettings }> {
    const { settings, source } = await this.settings.read(requireTenant(principal, pathTenantId));
    return { source, settings };
  }

  @Put()
  @Authorize({ roles: [Role.PracticeAdmin] })
  @ApiOkResponse({ type: ReminderSettingsAnswerDto })
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') pathTenantId: string,
    @Body() body: unknown,
  ): Promise<{ source: string; settings: ReminderSettings }> {
    const tenantId = requireTenant(principal, pathTenantId);
    const settings = await this.settings.replace(tenantId, body, principal.subject);
    return { source: 'stored', settings };
  }

  @Post('preview')
  @HttpCode(HttpStatus.OK)
  @Authorize({ roles: [...RoleGroups.schedulers] })
  @ApiOkResponse({ type: ReminderPreviewDto })
  preview(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') pathTenantId: string,
    @Body() body: unknown,
  ): Promise<{ cadence: string; steps: PreviewStep[] }> {
    return this.settings.preview(requireTenant(principal, pathTenantId), body);
  }
}
