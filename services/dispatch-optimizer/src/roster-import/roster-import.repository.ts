import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { ClinicEntity } from '../roster/clinic.entity';
import { ProviderEntity } from '../roster/provider.entity';
import { asTenant } from '../tenancy';

import {
  DEFAULT_ROSTER_IMPORT_MAPPING,
  type RosterImportMapping,
  type RosterImportSummary,
} from './ehr-roster-import.model';
import { RosterImportMappingEntity } from './roster-import-mapping.entity';
import { RosterImportEntity } from './roster-import.entity';

import type { ImportClinic, LinkedProvider } from './ehr-roster-import';

/** Roster imports, the tenant's mapping and the roster rows an import reads and writes. */
@Injectable()
export class RosterImportRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, row: RosterImportEntity): Promise<void> {
    await manager.insert(RosterImportEntity, row);
  }

  /**
   * Inserts a scheduled import unless its day already has one (this replica's or another's);
   * true when this call inserted it.
   */
  async insertScheduled(manager: EntityManager, row: RosterImportEntity): Promise<boolean> {
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(RosterImportEntity)
      .values(row)
      .orIgnore()
      .returning(['importId'])
      .execute();
    // RETURNING answers no row when the day's import already existed.
    return (inserted.raw as unknown[]).length > 0;
  }

  find(tenantId: string, importId: string): Promise<RosterImportEntity | null> {
    return asTenant(this.dataSource, tenantId, (manager) =>
      manager.findOneBy(RosterImportEntity, { tenantId, importId }),
    );
  }

  /** The import still waiting for its answer, locked; null when unknown or already answered. */
  pending(
    manager: EntityManager,
    tenantId: string,
    importId: string,
  ): Promise<RosterImportEntity | null> {
    return manager.findOne(RosterImportEntity, {
      where: { tenantId, importId, status: 'requested' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async complete(
    manager: EntityManager,
    row: RosterImportEntity,
    outcome: { summary: RosterImportSummary } | { failureReason: string },
    now: Date,
  ): Promise<void> {
    await manager.update(
      RosterImportEntity,
      { tenantId: row.tenantId, importId: row.importId },
      'summary' in outcome
        ? { status: 'completed', summary: outcome.summary, completedAt: now }
        : { status: 'failed', failureReason: outcome.failureReason, completedAt: now },
    );
  }

  async mapping(tenantId: string, manager?: EntityManager): Promise<RosterImportMapping | null> {
    const row = await asTenant(
      this.dataSource,
      tenantId,
      (scoped) => scoped.findOneBy(RosterImportMappingEntity, { tenantId }),
      manager,
    );
    return row
      ? {
          qualifications: row.qualifications,
          defaultWeeklyAvailability: row.defaultWeeklyAvailability,
          maxHoursPerDay: row.maxHoursPerDay,
          maxHoursPerWeek: row.maxHoursPerWeek,
        }
      : null;
  }

  async mappingOrDefault(manager: EntityManager, tenantId: string): Promise<RosterImportMapping> {
    return (await this.mapping(tenantId, manager)) ?? DEFAULT_ROSTER_IMPORT_MAPPING;
  }

  async putMapping(row: RosterImportMappingEntity): Promise<void> {
    await asTenant(this.dataSource, row.tenantId, (manager) =>
      manager.upsert(RosterImportMappingEntity, row, ['tenantId']),
    );
  }

  linkedProviders(manager: EntityManager, tenantId: string): Promise<LinkedProvider[]> {
    return manager.find(ProviderEntity, { where: { tenantId }, order: { providerId: 'ASC' } });
  }

  async clinics(manager: EntityManager, tenantId: string): Promise<ImportClinic[]> {
    return manager.find(ClinicEntity, { where: { tenantId }, order: { clinicId: 'ASC' } });
  }

  async upsertProviders(
    manager: EntityManager,
    providers: readonly LinkedProvider[],
    now: Date,
  ): Promise<void> {
    if (providers.length === 0) return;
    const rows = providers.map((provider) =>
      Object.assign(new ProviderEntity(), {
        ...provider,
        credentials: [...provider.credentials],
        clinicIds: [...provider.clinicIds],
        weeklyAvailability: [...provider.weeklyAvailability],
        availabilityExceptions: [...provider.availabilityExceptions],
        updatedAt: now,
      }),
    );
    await manager.upsert(ProviderEntity, rows, ['tenantId', 'providerId']);
  }
}
