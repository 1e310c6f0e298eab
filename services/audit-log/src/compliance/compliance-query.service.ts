import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';

import { type Principal } from '@caredispatch/auth';
import { inTenantTransaction } from '@caredispatch/kafka';
import { PhiAccessAction, PhiAccessRecorder } from '@caredispatch/phi-access';
import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type AuditLeaf, auditLeafBytes, auditLeafOf } from '../audit-chain/audit-leaf';
import { signedTreeHeadToJson, type SignedTreeHeadJson } from '../audit-chain/tree-head';
import { AuditEventEntity, toChainLink } from '../audit-events/audit-event.entity';
import { AuditError, AuditErrorCode } from '../audit-events/audit-events.errors';
import { type AuditLogConfig } from '../config';
import { TreeHeadService } from '../tree-heads/tree-head.service';

import { auditCsv } from './audit-csv';
import { type AuditFilter, filterForRecord } from './dto/compliance-query.dto';
import { type FhirAuditEvent, toFhirAuditEvent } from './fhir-audit-event';

export interface AuditSearchPage {
  events: AuditLeaf[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface FhirExport {
  /** The proofs' tree size. */
  treeSize: number;
  /** The stored signed head of that size; null when none is stored (the caller has it). */
  treeHead: SignedTreeHeadJson | null;
  resources: FhirAuditEvent[];
}

/** The compliance officer's view of the audit log: own tenant only, every call itself audited. */
@Injectable()
export class ComplianceQueryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: AuditLogConfig,
    private readonly treeHeads: TreeHeadService,
    private readonly accesses: PhiAccessRecorder,
  ) {}

  search(
    principal: Principal,
    filter: AuditFilter,
    cursor: string | undefined,
    limit: number,
    route: string,
  ): Promise<AuditSearchPage> {
    return inTenantTransaction(this.dataSource, principal.tenantId, async (manager) => {
      const query = await this.filtered(manager, principal.tenantId, filter);
      if (cursor) query.andWhere('event.sequence > :cursor', { cursor });
      const rows = await query
        .orderBy('event.sequence', 'ASC')
        .take(limit + 1)
        .getMany();
      const page = rows.slice(0, limit);
      const events = await this.leavesOf(manager, page);
      await this.accesses.record(
        principal,
        {
          action: PhiAccessAction.SEARCH,
          route,
          resourceType: 'AuditEvent',
          patientIds: filter.patientId ? [filter.patientId] : [],
          filter: {
            ...filterForRecord(filter),
            ...(cursor ? { cursor } : {}),
            limit: String(limit),
          },
          resultCount: events.length,
        },
        manager,
      );
      return { events, nextCursor: rows.length > limit ? (page.at(-1)?.sequence ?? null) : null };
    });
  }

  /**
   * The matching events as FHIR AuditEvents, each with its leaf and inclusion proof against a
   * signed head: `treeSize` when given (e.g. the size of a head the officer holds from an
   * anchor — proven whether or not the database still stores it), otherwise a fresh head over
   * the whole log. Events newer than the head are left out.
   */
  async exportFhir(
    principal: Principal,
    filter: AuditFilter,
    treeSize: number | undefined,
    route: string,
  ): Promise<FhirExport> {
    const head =
      treeSize === undefined
        ? await this.treeHeads.signLatest(principal.tenantId)
        : await this.treeHeads.storedHeadOrNull(principal.tenantId, treeSize);
    const size = treeSize ?? head?.treeSize ?? 0;
    return inTenantTransaction(this.dataSource, principal.tenantId, async (manager) => {
      const tree = await this.treeHeads.treeOf(manager, principal.tenantId, size);
      const leaves = await this.exportLeaves(manager, principal.tenantId, filter, size);
      const resources = leaves.map((leaf) => {
        const leafIndex = Number(leaf.sequence) - 1;
        return toFhirAuditEvent(leaf, {
          leafBytes: auditLeafBytes(leaf),
          leafIndex,
          treeSize: size,
          inclusionProof: tree.inclusionProof(leafIndex, size),
        });
      });
      await this.recordExport(principal, filter, route, resources.length, manager, {
        format: 'fhir-ndjson',
        treeSize: String(size),
      });
      return { treeSize: size, treeHead: head ? signedTreeHeadToJson(head) : null, resources };
    });
  }

  exportCsv(principal: Principal, filter: AuditFilter, route: string): Promise<string> {
    return inTenantTransaction(this.dataSource, principal.tenantId, async (manager) => {
      const leaves = await this.exportLeaves(manager, principal.tenantId, filter, undefined);
      await this.recordExport(principal, filter, route, leaves.length, manager, { format: 'csv' });
      return auditCsv(leaves);
    });
  }

  private async recordExport(
    principal: Principal,
    filter: AuditFilter,
    route: string,
    count: number,
    manager: EntityManager,
    extra: Record<string, string>,
  ): Promise<void> {
    await this.accesses.record(
      principal,
      {
        action: PhiAccessAction.EXPORT,
        route,
        resourceType: 'AuditEvent',
        patientIds: filter.patientId ? [filter.patientId] : [],
        filter: { ...filterForRecord(filter), ...extra },
        resultCount: count,
      },
      manager,
    );
  }

  private async exportLeaves(
    manager: EntityManager,
    tenantId: string,
    filter: AuditFilter,
    maxSequence: number | undefined,
  ): Promise<AuditLeaf[]> {
    const query = await this.filtered(manager, tenantId, filter);
    if (maxSequence !== undefined)
      query.andWhere('event.sequence <= :maxSequence', { maxSequence });
    const max = this.config.AUDIT_EXPORT_MAX_ROWS;
    const rows = await query
      .orderBy('event.sequence', 'ASC')
      .take(max + 1)
      .getMany();
    if (rows.length > max) {
      throw new AuditError(AuditErrorCode.ExportTooLarge, `An export holds at most ${max} events`, {
        maxRows: max,
      });
    }
    return this.leavesOf(manager, rows);
  }

  /** The leaves of `rows`, with the facets stored beside them at record time. */
  private async leavesOf(manager: EntityManager, rows: AuditEventEntity[]): Promise<AuditLeaf[]> {
    if (rows.length === 0) return [];
    const tenantId = rows[0].tenantId;
    const facets = await manager.query<
      { sequence: string; actor: string; patient_ids: string[] }[]
    >(
      `SELECT sequence, actor, patient_ids FROM audit_event_leaf
       WHERE tenant_id = $1 AND sequence = ANY($2::bigint[])`,
      [tenantId, rows.map((row) => row.sequence)],
    );
    const bySequence = new Map(facets.map((row) => [row.sequence, row]));
    return rows.map((row) => {
      const facet = bySequence.get(row.sequence);
      if (!facet) throw new Error(`audit event ${row.sequence} of ${tenantId} has no leaf`);
      return auditLeafOf(toChainLink(row), { actor: facet.actor, patientIds: facet.patient_ids });
    });
  }

  /**
   * Events of the tenant matching `filter`. A patient or appointment filter also takes in the
   * events of the same appointments that do not name the patient (messages, EHR updates), so
   * the result is the full trail, not just the rows that happen to carry the id.
   */
  private async filtered(
    manager: EntityManager,
    tenantId: string,
    filter: AuditFilter,
  ): Promise<SelectQueryBuilder<AuditEventEntity>> {
    const query = manager
      .getRepository(AuditEventEntity)
      .createQueryBuilder('event')
      .where('event.tenantId = :tenantId', { tenantId });
    if (filter.patientId) {
      const ids = await this.appointmentIdsOfPatient(manager, tenantId, filter.patientId);
      query.andWhere(
        `(EXISTS (SELECT 1 FROM audit_event_leaf leaf WHERE leaf.tenant_id = event.tenant_id
            AND leaf.sequence = event.sequence AND leaf.patient_ids @> ARRAY[:patientId]::text[])
          OR event.appointment_id = ANY(:patientAppointments)
          OR event.ehr_appointment_id = ANY(:patientAppointments))`,
        { patientId: filter.patientId, patientAppointments: ids },
      );
    }
    if (filter.appointmentId) {
      const ids = await this.appointmentIdsLinkedTo(manager, tenantId, filter.appointmentId);
      query.andWhere(
        '(event.appointment_id = ANY(:appointments) OR event.ehr_appointment_id = ANY(:appointments))',
        { appointments: ids },
      );
    }
    if (filter.eventType)
      query.andWhere('event.eventType = :eventType', { eventType: filter.eventType });
    if (filter.actor) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM audit_event_leaf leaf WHERE leaf.tenant_id = event.tenant_id
           AND leaf.sequence = event.sequence AND leaf.actor = :actor)`,
        { actor: filter.actor },
      );
    }
    if (filter.from) query.andWhere('event.occurredAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('event.occurredAt < :to', { to: filter.to });
    return query;
  }

  private async appointmentIdsOfPatient(
    manager: EntityManager,
    tenantId: string,
    patientId: string,
  ): Promise<string[]> {
    const rows = await manager.query<
      { appointment_id: string | null; ehr_appointment_id: string | null }[]
    >(
      `SELECT DISTINCT event.appointment_id, event.ehr_appointment_id
       FROM audit_event event JOIN audit_event_leaf leaf
         ON leaf.tenant_id = event.tenant_id AND leaf.sequence = event.sequence
       WHERE event.tenant_id = $1 AND leaf.patient_ids @> ARRAY[$2]::text[]`,
      [tenantId, patientId],
    );
    return idsOf(rows);
  }

  /** The appointment's id plus the other id (EHR ↔ scheduling) its events carry. */
  private async appointmentIdsLinkedTo(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
  ): Promise<string[]> {
    const rows = await manager.query<
      { appointment_id: string | null; ehr_appointment_id: string | null }[]
    >(
      `SELECT DISTINCT appointment_id, ehr_appointment_id FROM audit_event
       WHERE tenant_id = $1 AND (appointment_id = $2 OR ehr_appointment_id = $2)`,
      [tenantId, appointmentId],
    );
    return [...new Set([appointmentId, ...idsOf(rows)])];
  }
}

function idsOf(
  rows: { appointment_id: string | null; ehr_appointment_id: string | null }[],
): string[] {
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.appointment_id) ids.add(row.appointment_id);
    if (row.ehr_appointment_id) ids.add(row.ehr_appointment_id);
  }
  return [...ids];
}
