import { Body, Controller, Get, Param, Put } from '@nestjs/common';

import { DispatchError, DispatchErrorCode } from '../dispatch.errors';
import { parseRequest, parseTenantId } from '../http/parse-body';
import { tenantSettingsBodySchema } from '../roster/dto/roster.schemas';

import { TenantSettingsService, type TenantSettingsView } from './tenant-settings.service';

/** Per-tenant plan schedule (weekly day/time and days, nightly time), time zone, Maps key and budget. */
@Controller('v1/tenants/:tenantId/dispatch-settings')
export class TenantSettingsController {
  constructor(private readonly settings: TenantSettingsService) {}

  @Put()
  put(@Param('tenantId') tenantId: string, @Body() body: unknown): Promise<TenantSettingsView> {
    return this.settings.put(parseTenantId(tenantId), parseRequest(tenantSettingsBodySchema, body));
  }

  @Get()
  async get(@Param('tenantId') tenantId: string): Promise<TenantSettingsView> {
    const found = await this.settings.view(parseTenantId(tenantId));
    if (!found) {
      throw new DispatchError(DispatchErrorCode.TenantNotConfigured, 'No dispatch settings yet');
    }
    return found;
  }
}
