import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';

import { asTenant } from '../tenancy';

import { AppointmentTypeRuleEntity } from './appointment-type-rule.entity';
import { ClinicEntity } from './clinic.entity';
import { ProviderEntity } from './provider.entity';

import type { RosterProvider, RosterReader } from './roster.model';

/** Roster, rules and clinics; every query is scoped to one tenant. */
@Injectable()
export class RosterRepository implements RosterReader {
  constructor(private readonly dataSource: DataSource) {}

  async upsertProviders(manager: EntityManager, rows: ProviderEntity[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.upsert(ProviderEntity, rows, ['tenantId', 'providerId']);
  }

  async upsertRule(row: AppointmentTypeRuleEntity): Promise<void> {
    await asTenant(this.dataSource, row.tenantId, (manager) =>
      manager.upsert(AppointmentTypeRuleEntity, row, ['tenantId', 'typeCode']),
    );
  }

  async upsertClinic(row: ClinicEntity): Promise<void> {
    await asTenant(this.dataSource, row.tenantId, (manager) =>
      manager.upsert(ClinicEntity, row, ['tenantId', 'clinicId']),
    );
  }

  async provider(tenantId: string, providerId: string): Promise<RosterProvider | null> {
    return asTenant(this.dataSource, tenantId, (manager) =>
      manager.findOneBy(ProviderEntity, { tenantId, providerId }),
    );
  }

  async providers(tenantId: string, providerIds?: readonly string[]): Promise<RosterProvider[]> {
    return asTenant(this.dataSource, tenantId, (manager) =>
      manager.find(ProviderEntity, {
        where: providerIds ? { tenantId, providerId: In([...providerIds]) } : { tenantId },
        order: { providerId: 'ASC' },
      }),
    );
  }

  async providerBySlackUserId(
    tenantId: string,
    slackUserId: string,
  ): Promise<RosterProvider | null> {
    const rows = await asTenant(this.dataSource, tenantId, (manager) =>
      manager
        .createQueryBuilder(ProviderEntity, 'p')
        .where('p.tenant_id = :tenantId', { tenantId })
        .andWhere(`p.delivery -> 'channel' ->> 'kind' = 'slack'`)
        .andWhere(`p.delivery -> 'channel' ->> 'slackUserId' = :slackUserId`, { slackUserId })
        .getMany(),
    );
    return rows.at(0) ?? null;
  }

  rules(tenantId: string): Promise<AppointmentTypeRuleEntity[]> {
    return asTenant(this.dataSource, tenantId, (manager) =>
      manager.find(AppointmentTypeRuleEntity, { where: { tenantId }, order: { typeCode: 'ASC' } }),
    );
  }

  clinics(tenantId: string): Promise<ClinicEntity[]> {
    return asTenant(this.dataSource, tenantId, (manager) =>
      manager.find(ClinicEntity, { where: { tenantId }, order: { clinicId: 'ASC' } }),
    );
  }
}
