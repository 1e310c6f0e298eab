import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, MoreThan } from 'typeorm';

import { inTenantTransaction } from '@caredispatch/kafka';

import { causalOrder } from '../audit-chain/causal-order';
import { type BrokenLink, type ChainHead, ChainVerifier } from '../audit-chain/hash-chain';

import { AuditEventEntity, toChainLink } from './audit-event.entity';
import { chainHeadOf } from './audit-recorder.service';
import {
  type AuditTrailEntry,
  type AuditTrailResponse,
  type ChainVerificationResponse,
} from './dto/audit-trail.response';

const VERIFY_BATCH_SIZE = 500;

/** Columns a trail lists; the payload is never read for it. */
const TRAIL_COLUMNS = [
  'tenantId',
  'sequence',
  'eventId',
  'eventType',
  'topic',
  'producer',
  'occurredAt',
  'recordedAt',
  'correlationId',
  'causationId',
  'aggregateId',
  'ehrAppointmentId',
  'appointmentId',
  'traceId',
] as const satisfies readonly (keyof AuditEventEntity)[];

type TrailRow = Pick<AuditEventEntity, (typeof TRAIL_COLUMNS)[number]>;

@Injectable()
export class AuditTrailService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Finds the events that mention the appointment by either id, then widens once through
   * the ids those events carry: a scheduling event holds both the EHR id and scheduling's
   * uuid, which pulls in ehr-gateway events (EHR id only) and messaging events (uuid only).
   */
  async trail(tenantId: string, appointmentId: string): Promise<AuditTrailResponse> {
    const rows = await inTenantTransaction(this.dataSource, tenantId, async (manager) => {
      const direct = await findByAppointmentIds(manager, tenantId, [appointmentId]);
      const ids = new Set([appointmentId]);
      for (const row of direct) {
        if (row.appointmentId) ids.add(row.appointmentId);
        if (row.ehrAppointmentId) ids.add(row.ehrAppointmentId);
      }
      return ids.size > 1 ? findByAppointmentIds(manager, tenantId, [...ids]) : direct;
    });
    const ordered = causalOrder(
      rows.map((row) => Object.assign(row, { recordedOrder: BigInt(row.sequence) })),
    );
    return { tenantId, appointmentId, events: ordered.map(toEntry) };
  }

  /**
   * Recomputes the tenant's chain from the first link, in one REPEATABLE READ snapshot so
   * appends arriving meanwhile neither break the walk nor disagree with the head.
   */
  verify(tenantId: string): Promise<ChainVerificationResponse> {
    const verification = async (manager: EntityManager): Promise<ChainVerificationResponse> => {
      const verifier = new ChainVerifier(await archivedThrough(manager, tenantId));
      const result = (broken: BrokenLink | undefined): ChainVerificationResponse => ({
        tenantId,
        valid: broken === undefined,
        verifiedEvents: verifier.checkedCount,
        firstBrokenLink: broken ?? null,
      });
      let after = '0';
      // Archived months are verified from their archives; the chain resumes after them.
      for (;;) {
        const batch = await manager.find(AuditEventEntity, {
          where: { tenantId, sequence: MoreThan(after) },
          order: { sequence: 'ASC' },
          take: VERIFY_BATCH_SIZE,
        });
        for (const row of batch) {
          const broken = verifier.next(toChainLink(row));
          if (broken) return result(broken);
        }
        if (batch.length < VERIFY_BATCH_SIZE) break;
        after = batch[batch.length - 1].sequence;
      }
      return result(verifier.finish(await chainHeadOf(manager, tenantId)));
    };
    return inTenantTransaction(this.dataSource, tenantId, verification, 'REPEATABLE READ');
  }
}

function findByAppointmentIds(
  manager: EntityManager,
  tenantId: string,
  ids: string[],
): Promise<TrailRow[]> {
  return manager.getRepository(AuditEventEntity).find({
    select: [...TRAIL_COLUMNS],
    where: [
      { tenantId, appointmentId: In(ids) },
      { tenantId, ehrAppointmentId: In(ids) },
    ],
  });
}

function toEntry(row: TrailRow): AuditTrailEntry {
  return {
    sequence: row.sequence,
    eventId: row.eventId,
    eventType: row.eventType,
    topic: row.topic,
    producer: row.producer,
    occurredAt: row.occurredAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
    correlationId: row.correlationId,
    causationId: row.causationId,
    aggregateId: row.aggregateId,
    traceId: row.traceId,
  };
}

/** The last link of the tenant's archived prefix (none when nothing was archived). */
async function archivedThrough(
  manager: EntityManager,
  tenantId: string,
): Promise<ChainHead | undefined> {
  const rows = await manager.query<{ last_sequence: string; last_hash: string }[]>(
    `SELECT last_sequence, last_hash FROM audit_archived_range
      WHERE tenant_id = $1 ORDER BY last_sequence DESC LIMIT 1`,
    [tenantId],
  );
  return rows.length === 0
    ? undefined
    : { sequence: rows[0].last_sequence, lastHash: rows[0].last_hash };
}
