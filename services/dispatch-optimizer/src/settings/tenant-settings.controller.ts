import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

import { Authorize, CurrentPrincipal, type Principal, Role } from '@caredispatch/auth';

import { DispatchError, DispatchErrorCode } from '../dispatch.errors';
import { TenantSettingsDto } from '../http/dispatch.responses';
import { parseRequest, tenantOf } from '../http/parse-body';
import { tenantSettingsBodySchema } from '../roster/dto/roster.schemas';

import { TenantSettingsService, type TenantSettingsView } from './tenant-settings.service';

/** Per-tenant plan schedule (weekly day/time and days, nightly time), time zone, Maps key and budget. */
@Controller('v1/tenants/:tenantId/dispatch-settings')
@Authorize({ roles: [Role.PracticeAdmin, Role.PlatformAdmin] })
export class TenantSettingsController {
  constructor(private readonly settings: TenantSettingsService) {}

  @Put()
  @ApiOkResponse({ type: TenantSettingsDto })
  put(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Promise<TenantSettingsView> {
    return this.settings.put(
      tenantOf(principal, tenantId),
      parseRequest(tenantSettingsBodySchema, body),
    );
  }

  @Get()
  @ApiOkResponse({ type: TenantSettingsDto })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
  ): Promise<TenantSettingsView> {
    const found = await this.settings.view(tenantOf(principal, tenantId));
    if (!found) {
      throw new DispatchError(DispatchErrorCode.TenantNotConfigured, 'No dispatch settings yet');
    }
    return found;
  }
}
