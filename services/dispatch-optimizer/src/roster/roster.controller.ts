import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';

import { Authorize, CurrentPrincipal, type Principal, Role } from '@caredispatch/auth';

import { DispatchErrorCode } from '../dispatch.errors';
import {
  AppointmentTypeRuleDto,
  ClinicDto,
  ProvidersImportedDto,
  RosterProviderDto,
} from '../http/dispatch.responses';
import { notFound, parseRequest, tenantOf } from '../http/parse-body';

import {
  appointmentTypeRuleBodySchema,
  clinicBodySchema,
  providerBodySchema,
} from './dto/roster.schemas';
import { RosterService } from './roster.service';

const ID = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1–100 letters, digits, . _ -');
const providerNotFound = notFound(DispatchErrorCode.ProviderNotFound, 'Provider not found');
const csvBodySchema = z.object({ csv: z.string().min(1, 'is required').max(2_000_000) }).strict();

/** Tenant-scoped roster administration: providers, appointment-type rules, clinics. */
@Controller('v1/tenants/:tenantId')
@Authorize({ roles: [Role.PracticeAdmin] })
export class RosterController {
  constructor(private readonly roster: RosterService) {}

  @Put('providers/:providerId')
  @ApiOkResponse({ type: RosterProviderDto })
  putProvider(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('providerId') providerId: string,
    @Body() body: unknown,
  ) {
    return this.roster.putProvider(
      tenantOf(principal, tenantId, providerNotFound),
      parseRequest(ID, providerId, 'providerId'),
      parseRequest(providerBodySchema, body),
    );
  }

  @Get('providers')
  @ApiOkResponse({ type: [RosterProviderDto] })
  listProviders(@CurrentPrincipal() principal: Principal, @Param('tenantId') tenantId: string) {
    return this.roster.listProviders(tenantOf(principal, tenantId, providerNotFound));
  }

  @Get('providers/:providerId')
  @ApiOkResponse({ type: RosterProviderDto })
  getProvider(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('providerId') providerId: string,
  ) {
    return this.roster.getProvider(tenantOf(principal, tenantId, providerNotFound), providerId);
  }

  /** `{ "csv": "providerId,displayName,…" }`: all rows or none. */
  @Post('providers/import')
  @HttpCode(200)
  @ApiOkResponse({ type: ProvidersImportedDto })
  importProviders(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ) {
    return this.roster.importProviders(
      tenantOf(principal, tenantId, providerNotFound),
      parseRequest(csvBodySchema, body).csv,
    );
  }

  @Put('appointment-types/:typeCode')
  @ApiOkResponse({ type: AppointmentTypeRuleDto })
  putRule(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('typeCode') typeCode: string,
    @Body() body: unknown,
  ) {
    return this.roster.putRule(
      tenantOf(principal, tenantId, providerNotFound),
      parseRequest(ID, typeCode, 'typeCode'),
      parseRequest(appointmentTypeRuleBodySchema, body),
    );
  }

  @Get('appointment-types')
  @ApiOkResponse({ type: [AppointmentTypeRuleDto] })
  listRules(@CurrentPrincipal() principal: Principal, @Param('tenantId') tenantId: string) {
    return this.roster.listRules(tenantOf(principal, tenantId, providerNotFound));
  }

  @Put('clinics/:clinicId')
  @ApiOkResponse({ type: ClinicDto })
  putClinic(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('clinicId') clinicId: string,
    @Body() body: unknown,
  ) {
    return this.roster.putClinic(
      tenantOf(principal, tenantId, providerNotFound),
      parseRequest(ID, clinicId, 'clinicId'),
      parseRequest(clinicBodySchema, body),
    );
  }

  @Get('clinics')
  @ApiOkResponse({ type: [ClinicDto] })
  listClinics(@CurrentPrincipal() principal: Principal, @Param('tenantId') tenantId: string) {
    return this.roster.listClinics(tenantOf(principal, tenantId, providerNotFound));
  }
}
