import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { inTenantTransaction } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { DispatchError, DispatchErrorCode } from '../dispatch.errors';

import { AppointmentTypeRuleEntity } from './appointment-type-rule.entity';
import { ClinicEntity } from './clinic.entity';
import {
  type AppointmentTypeRuleBody,
  type ClinicBody,
  type ProviderBody,
} from './dto/roster.schemas';
import { parseProviderCsv } from './provider-csv';
import { ProviderEntity } from './provider.entity';
import { RosterRepository } from './roster.repository';

import type { RosterProvider } from './roster.model';

@Injectable()
export class RosterService {
  constructor(
    private readonly roster: RosterRepository,
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async putProvider(
    tenantId: string,
    providerId: string,
    body: ProviderBody,
  ): Promise<RosterProvider> {
    const row = this.providerRow(tenantId, providerId, body);
    await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      this.roster.upsertProviders(manager, [row]),
    );
    return row;
  }

  /** All rows or none: one bad row refuses the file, naming row and field. */
  async importProviders(tenantId: string, csv: string): Promise<{ imported: number }> {
    const { rows, errors } = parseProviderCsv(csv);
    if (errors.length > 0) {
      throw new DispatchError(DispatchErrorCode.InvalidRequest, `Invalid CSV: ${errors[0]}`, {
        issues: errors,
      });
    }
    const entities = rows.map((row) => this.providerRow(tenantId, row.providerId, row.body));
    await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      this.roster.upsertProviders(manager, entities),
    );
    return { imported: entities.length };
  }

  async getProvider(tenantId: string, providerId: string): Promise<RosterProvider> {
    const found = await this.roster.provider(tenantId, providerId);
    if (!found) throw new DispatchError(DispatchErrorCode.ProviderNotFound, 'Provider not found');
    return found;
  }

  listProviders(tenantId: string): Promise<RosterProvider[]> {
    return this.roster.providers(tenantId);
  }

  async putRule(
    tenantId: string,
    typeCode: string,
    body: AppointmentTypeRuleBody,
  ): Promise<AppointmentTypeRuleEntity> {
    const row = Object.assign(new AppointmentTypeRuleEntity(), {
      tenantId,
      typeCode,
      ...body,
      updatedAt: this.clock.now(),
    });
    await this.roster.upsertRule(row);
    return row;
  }

  listRules(tenantId: string): Promise<AppointmentTypeRuleEntity[]> {
    return this.roster.rules(tenantId);
  }

  async putClinic(tenantId: string, clinicId: string, body: ClinicBody): Promise<ClinicEntity> {
    const row = Object.assign(new ClinicEntity(), {
      tenantId,
      clinicId,
      ...body,
      updatedAt: this.clock.now(),
    });
    await this.roster.upsertClinic(row);
    return row;
  }

  listClinics(tenantId: string): Promise<ClinicEntity[]> {
    return this.roster.clinics(tenantId);
  }

  private providerRow(tenantId: string, providerId: string, body: ProviderBody): ProviderEntity {
    return Object.assign(new ProviderEntity(), {
      tenantId,
      providerId,
      displayName: body.displayName,
      credentials: body.credentials,
      homeBase: body.homeBase,
      clinicIds: body.clinicIds,
      weeklyAvailability: body.weeklyAvailability,
      availabilityExceptions: body.availabilityExceptions,
      maxHoursPerDay: body.maxHoursPerDay,
      maxHoursPerWeek: body.maxHoursPerWeek,
      delivery: body.delivery,
      active: body.active,
      updatedAt: this.clock.now(),
    });
  }
}
