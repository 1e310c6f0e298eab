import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

import {
  Authorize,
  CurrentPrincipal,
  type Principal,
  requireTenant,
  Role,
  RoleGroups,
} from '@caredispatch/auth';

import { TemplateOverridesDto } from './dto/reminder-templates.responses';
import { ReminderTemplatesService } from './reminder-templates.service';
import { type TemplateOverride } from './template-overrides';

/**
 * A tenant's overrides of the shipped reminder templates (admin), per channel, appointment type,
 * language and template name; the tenant comes from the token only.
 */
@Controller('v1/tenants/:tenantId/reminder-templates')
export class ReminderTemplatesController {
  constructor(private readonly templates: ReminderTemplatesService) {}

  @Get()
  @Authorize({ roles: [...RoleGroups.schedulers] })
  @ApiOkResponse({ type: TemplateOverridesDto })
  async read(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') pathTenantId: string,
  ): Promise<{ templates: readonly TemplateOverride[] }> {
    return { templates: await this.templates.read(requireTenant(principal, pathTenantId)) };
  }

  @Put()
  @Authorize({ roles: [Role.PracticeAdmin] })
  @ApiOkResponse({ type: TemplateOverridesDto })
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') pathTenantId: string,
    @Body() body: unknown,
  ): Promise<{ templates: readonly TemplateOverride[] }> {
    const tenantId = requireTenant(principal, pathTenantId);
    return { templates: await this.templates.replace(tenantId, body, principal.subject) };
  }
}
