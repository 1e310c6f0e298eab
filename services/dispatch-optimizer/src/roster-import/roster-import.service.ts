import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import {
  type EhrRosterFetchedV1,
  RosterFetchFailureReason,
  timestampFromDate,
} from '@caredispatch/contracts';
import { inTenantTransaction, OutboxWriter } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { DispatchError, DispatchErrorCode } from '../dispatch.errors';
import { TenantSettingsEntity } from '../settings/tenant-settings.entity';
import { TenantSettingsService } from '../settings/tenant-settings.service';

import { type RosterImportMappingBody } from './dto/roster-import.schemas';
import { planEhrRosterImport } from './ehr-roster-import';
import {
  DEFAULT_ROSTER_IMPORT_MAPPING,
  type RosterImportMapping,
  type RosterImportSummary,
} from './ehr-roster-import.model';
import { RosterImportMappingEntity } from './roster-import-mapping.entity';
import { RosterImportEntity } from './roster-import.entity';
import { RosterImportRepository } from './roster-import.repository';

/** An import as the API shows it. */
export interface RosterImportView {
  readonly importId: string;
  readonly status: RosterImportEntity['status'];
  readonly requestedAt: Date;
  readonly completedAt: Date | null;
  readonly failureReason: string | null;
  /** The practice-local day of a scheduled import; null when a practice admin asked for it. */
  readonly scheduledFor: string | null;
  readonly summary: RosterImportSummary | null;
}

/**
 * Roster import from the EHR: a practice admin asks (RosterImportRequestedV1 through the
 * outbox), ehr-gateway reads Practitioner + PractitionerRole and answers on ehr.roster.v1,
 * and the answer is mapped onto the roster (planEhrRosterImport) in the consumer's transaction.
 */
@Injectable()
export class RosterImportService {
  private readonly logger = new Logger(RosterImportService.name);

  constructor(
    private readonly repository: RosterImportRepository,
    private readonly settings: TenantSettingsService,
    private readonly outbox: OutboxWriter,
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async request(tenantId: string): Promise<RosterImportView> {
    if (!(await this.settings.get(tenantId))) {
      throw new DispatchError(
        DispatchErrorCode.TenantNotConfigured,
        'Set the dispatch settings (time zone) before importing a roster',
      );
    }
    const row = this.newImport(tenantId, null);
    await this.outbox.prepare(tenantId);
    await inTenantTransaction(this.dataSource, tenantId, async (manager) => {
      await this.repository.insert(manager, row);
      await this.appendRequested(manager, row);
    });
    return view(row);
  }

  /**
   * The same import for the tenant's daily schedule (`day` is practice-local): requested only
   * if no import of that day exists yet, in one transaction with its event. Null when one did.
   */
  async requestScheduled(tenantId: string, day: string): Promise<RosterImportView | null> {
    const row = this.newImport(tenantId, day);
    await this.outbox.prepare(tenantId);
    const started = await inTenantTransaction(this.dataSource, tenantId, async (manager) => {
      if (!(await this.repository.insertScheduled(manager, row))) return false;
      await this.appendRequested(manager, row);
      return true;
    });
    if (started) this.logger.log({ message: 'scheduled roster import requested', tenantId, day });
    return started ? view(row) : null;
  }

  private newImport(tenantId: string, scheduledFor: string | null): RosterImportEntity {
    return Object.assign(new RosterImportEntity(), {
      tenantId,
      importId: randomUUID(),
      status: 'requested' as const,
      requestedAt: this.clock.now(),
      completedAt: null,
      failureReason: null,
      scheduledFor,
      summary: null,
    });
  }

  private async appendRequested(manager: EntityManager, row: RosterImportEntity): Promise<void> {
    await this.outbox.append(manager, {
      type: 'RosterImportRequestedV1',
      tenantId: row.tenantId,
      aggregateId: row.importId,
      payload: { importId: row.importId, requestedAt: timestampFromDate(row.requestedAt) },
    });
  }

  async get(tenantId: string, importId: string): Promise<RosterImportView> {
    const row = await this.repository.find(tenantId, importId);
    if (!row) throw new DispatchError(DispatchErrorCode.NotFound, 'Roster import not found');
    return view(row);
  }

  async putMapping(tenantId: string, body: RosterImportMappingBody): Promise<RosterImportMapping> {
    const row = Object.assign(new RosterImportMappingEntity(), {
      tenantId,
      ...body,
      updatedAt: this.clock.now(),
    });
    await this.repository.putMapping(row);
    return body;
  }

  async mapping(tenantId: string): Promise<RosterImportMapping> {
    return (await this.repository.mapping(tenantId)) ?? DEFAULT_ROSTER_IMPORT_MAPPING;
  }

  /**
   * Applies the EHR's roster in the consumer's transaction (scoped to the event's tenant). An
   * answer to no pending import of this tenant (another stack's, or a redelivery after the
   * import ended) changes nothing.
   */
  async applyFetched(
    manager: EntityManager,
    tenantId: string,
    event: EhrRosterFetchedV1,
  ): Promise<void> {
    const pending = await this.repository.pending(manager, tenantId, event.importId);
    if (!pending) return;
    const settings = await manager.findOneBy(TenantSettingsEntity, { tenantId });
    const now = this.clock.now();
    if (!settings) {
      await this.repository.complete(
        manager,
        pending,
        { failureReason: 'TENANT_NOT_CONFIGURED' },
        now,
      );
      return;
    }
    const plan = planEhrRosterImport({
      tenantId,
      practitioners: event.practitioners,
      existing: await this.repository.linkedProviders(manager, tenantId),
      clinics: await this.repository.clinics(manager, tenantId),
      mapping: await this.repository.mappingOrDefault(manager, tenantId),
      timeZone: settings.timeZone,
    });
    await this.repository.upsertProviders(manager, plan.upserts, now);
    const summary: RosterImportSummary = {
      practitioners: event.practitioners.length,
      created: plan.created,
      updated: plan.updated,
      unchanged: plan.unchanged,
      skipped: plan.skipped,
      warnings: plan.warnings,
    };
    await this.repository.complete(manager, pending, { summary }, now);
    // Counts only: warnings name EHR ids and codes, kept in the import's row.
    this.logger.log({
      message: 'roster import applied',
      tenantId,
      importId: event.importId,
      created: plan.created,
      updated: plan.updated,
      unchanged: plan.unchanged,
      skipped: plan.skipped,
      warnings: plan.warnings.length,
    });
  }

  async applyFailed(
    manager: EntityManager,
    tenantId: string,
    importId: string,
    reason: RosterFetchFailureReason,
  ): Promise<void> {
    const pending = await this.repository.pending(manager, tenantId, importId);
    if (!pending) return;
    await this.repository.complete(
      manager,
      pending,
      { failureReason: reasonName(reason) },
      this.clock.now(),
    );
  }
}

/** The reason's protobuf name (`EHR_UNAVAILABLE`); a number this build does not know yet as is. */
function reasonName(reason: RosterFetchFailureReason): string {
  const names: Readonly<Record<number, string | undefined>> = RosterFetchFailureReason;
  return names[reason] ?? `REASON_${reason}`;
}

function view(row: RosterImportEntity): RosterImportView {
  return {
    importId: row.importId,
    status: row.status,
    requestedAt: row.requestedAt,
    completedAt: row.completedAt,
    failureReason: row.failureReason,
    scheduledFor: row.scheduledFor,
    summary: row.summary,
  };
}
