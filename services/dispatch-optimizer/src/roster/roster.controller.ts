import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';

import { parseRequest, parseTenantId } from '../http/parse-body';

import {
  appointmentTypeRuleBodySchema,
  clinicBodySchema,
  providerBodySchema,
} from './dto/roster.schemas';
import { RosterService } from './roster.service';

const ID = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1–100 letters, digits, . _ -');
const csvBodySchema = z.object({ csv: z.string().min(1, 'is required').max(2_000_000) }).strict();

/** Tenant-scoped roster administration: providers, appointment-type rules, clinics. */
@Controller('v1/tenants/:tenantId')
export class RosterController {
  constructor(private readonly roster: RosterService) {}

  @Put('providers/:providerId')
  putProvider(
    @Param('tenantId') tenantId: string,
    @Param('providerId') providerId: string,
    @Body() body: unknown,
  ) {
    return this.roster.putProvider(
      parseTenantId(tenantId),
      parseRequest(ID, providerId, 'providerId'),
      parseRequest(providerBodySchema, body),
    );
  }

  @Get('providers')
  listProviders(@Param('tenantId') tenantId: string) {
    return this.roster.listProviders(parseTenantId(tenantId));
  }

  @Get('providers/:providerId')
  getProvider(@Param('tenantId') tenantId: string, @Param('providerId') providerId: string) {
    return this.roster.getProvider(parseTenantId(tenantId), providerId);
  }

  /** `{ "csv": "providerId,displayName,…" }`: all rows or none. */
  @Post('providers/import')
  @HttpCode(200)
  importProviders(@Param('tenantId') tenantId: string, @Body() body: unknown) {
    return this.roster.importProviders(
      parseTenantId(tenantId),
      parseRequest(csvBodySchema, body).csv,
    );
  }

  @Put('appointment-types/:typeCode')
  putRule(
    @Param('tenantId') tenantId: string,
    @Param('typeCode') typeCode: string,
    @Body() body: unknown,
  ) {
    return this.roster.putRule(
      parseTenantId(tenantId),
      parseRequest(ID, typeCode, 'typeCode'),
      parseRequest(appointmentTypeRuleBodySchema, body),
    );
  }

  @Get('appointment-types')
  listRules(@Param('tenantId') tenantId: string) {
    return this.roster.listRules(parseTenantId(tenantId));
  }

  @Put('clinics/:clinicId')
  putClinic(
    @Param('tenantId') tenantId: string,
    @Param('clinicId') clinicId: string,
    @Body() body: unknown,
  ) {
    return this.roster.putClinic(
      parseTenantId(tenantId),
      parseRequest(ID, clinicId, 'clinicId'),
      parseRequest(clinicBodySchema, body),
    );
  }

  @Get('clinics')
  listClinics(@Param('tenantId') tenantId: string) {
    return this.roster.listClinics(parseTenantId(tenantId));
  }
}
