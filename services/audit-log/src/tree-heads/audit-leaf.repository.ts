import { fromJson } from '@bufbuild/protobuf';
import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { eventDefinitionOf, isEventType } from '@caredispatch/contracts';

import { auditLeafHash, auditLeafOf } from '../audit-chain/audit-leaf';
import { type JsonValue } from '../audit-chain/canonical-json';
import { type EventFacets, eventFacetsOf, type TypedEvent } from '../audit-chain/event-references';
import { type Hash } from '../audit-chain/merkle-tree';
import { AuditEventEntity, toChainLink } from '../audit-events/audit-event.entity';

const BACKFILL_BATCH_SIZE = 500;

/** Reads a tenant's Merkle leaves; fills in leaves of events recorded before the tree existed. */
@Injectable()
export class AuditLeafRepository {
  /**
   * The first `treeSize` leaf hashes in log order. Throws when any is missing: a tree with a
   * hole would be signed over a different log than the one the events describe.
   */
  async leafHashes(manager: EntityManager, tenantId: string, treeSize: number): Promise<Hash[]> {
    const rows = await manager.query<{ sequence: string; leaf_hash: Buffer }[]>(
      `SELECT sequence, leaf_hash FROM audit_event_leaf
       WHERE tenant_id = $1 AND sequence <= $2 ORDER BY sequence`,
      [tenantId, treeSize],
    );
    rows.forEach((row, index) => {
      if (row.sequence !== String(index + 1)) {
        throw new Error(`audit leaf ${index + 1} of tenant ${tenantId} is missing`);
      }
    });
    if (rows.length !== treeSize) {
      throw new Error(`tenant ${tenantId} has ${rows.length} leaves, ${treeSize} expected`);
    }
    return rows.map((row) => row.leaf_hash);
  }

  /**
   * Leaves are written with their events; only events recorded before this table existed lack
   * one, and they form a prefix of the log. Inserts those (never updates), in batches.
   */
  async backfill(manager: EntityManager, tenantId: string): Promise<number> {
    let written = 0;
    for (;;) {
      const missing = await manager
        .getRepository(AuditEventEntity)
        .createQueryBuilder('event')
        .where('event.tenantId = :tenantId', { tenantId })
        .andWhere(
          `NOT EXISTS (SELECT 1 FROM audit_event_leaf leaf
             WHERE leaf.tenant_id = event.tenant_id AND leaf.sequence = event.sequence)`,
        )
        .orderBy('event.sequence', 'ASC')
        .take(BACKFILL_BATCH_SIZE)
        .getMany();
      for (const row of missing) {
        const link = toChainLink(row);
        const facets = facetsOfStored(row.eventType, link.payload, row.producer);
        await manager.query(
          `INSERT INTO audit_event_leaf (tenant_id, sequence, event_id, leaf_hash, actor, patient_ids)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [
            row.tenantId,
            row.sequence,
            row.eventId,
            auditLeafHash(auditLeafOf(link, facets)),
            facets.actor,
            facets.patientIds,
          ],
        );
      }
      written += missing.length;
      if (missing.length < BACKFILL_BATCH_SIZE) return written;
    }
  }

  /** Whether `tenantId` has events older than its first leaf (cheap: two index lookups). */
  async needsBackfill(manager: EntityManager, tenantId: string): Promise<boolean> {
    const [row] = await manager.query<{ needed: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM audit_event e WHERE e.tenant_id = $1
         AND e.sequence < COALESCE(
           (SELECT min(sequence) FROM audit_event_leaf WHERE tenant_id = $1), 9223372036854775807)
       ) AS needed`,
      [tenantId],
    );
    return row.needed;
  }
}

/** The facets of a stored event, decoded from its payload as the recorder saw it. */
export function facetsOfStored(
  eventType: string,
  payload: JsonValue,
  producer: string,
): EventFacets {
  if (!isEventType(eventType)) return { actor: producer, patientIds: [] };
  const event = fromJson(eventDefinitionOf(eventType).schema, payload, {
    ignoreUnknownFields: true,
  });
  return eventFacetsOf({ eventType, event } as TypedEvent, producer);
}
