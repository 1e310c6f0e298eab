import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';

import { Authorize, CurrentPrincipal, type Principal, Role } from '@caredispatch/auth';

import { DispatchErrorCode } from '../dispatch.errors';
import { RosterImportDto, RosterImportMappingDto } from '../http/dispatch.responses';
import { notFound, parseRequest, tenantOf } from '../http/parse-body';

import { rosterImportMappingBodySchema } from './dto/roster-import.schemas';
import { RosterImportService } from './roster-import.service';

const IMPORT_ID = z.string().uuid('must be a UUID');
const importNotFound = notFound(DispatchErrorCode.NotFound, 'Roster import not found');

/**
 * Roster import from the tenant's EHR (FHIR Practitioner / PractitionerRole via ehr-gateway):
 * the code → credential mapping, on-demand imports and their outcome. Practice admins only;
 * the tenant is the token's.
 */
@Controller('v1/tenants/:tenantId')
@Authorize({ roles: [Role.PracticeAdmin] })
export class RosterImportController {
  constructor(private readonly imports: RosterImportService) {}

  @Put('roster-import-mapping')
  @ApiOkResponse({ type: RosterImportMappingDto })
  putMapping(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ) {
    return this.imports.putMapping(
      tenantOf(principal, tenantId, importNotFound),
      parseRequest(rosterImportMappingBodySchema, body),
    );
  }

  @Get('roster-import-mapping')
  @ApiOkResponse({ type: RosterImportMappingDto })
  getMapping(@CurrentPrincipal() principal: Principal, @Param('tenantId') tenantId: string) {
    return this.imports.mapping(tenantOf(principal, tenantId, importNotFound));
  }

  /** Asks ehr-gateway for the EHR's roster; 202 with the import to poll. */
  @Post('roster-imports')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RosterImportDto })
  requestImport(@CurrentPrincipal() principal: Principal, @Param('tenantId') tenantId: string) {
    return this.imports.request(tenantOf(principal, tenantId, importNotFound));
  }

  @Get('roster-imports/:importId')
  @ApiOkResponse({ type: RosterImportDto })
  getImport(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('importId') importId: string,
  ) {
    return this.imports.get(
      tenantOf(principal, tenantId, importNotFound),
      parseRequest(IMPORT_ID, importId, 'importId'),
    );
  }
}
