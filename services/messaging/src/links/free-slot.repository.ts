import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { type FreeSlot, FreeSlotFinder, type FreeSlotQuery } from './free-slots.port';

export interface FreeSlotSnapshot {
  readonly tenantId: string;
  readonly ehrScheduleId: string;
  readonly ehrPractitionerIds: readonly string[];
  readonly ehrLocationIds: readonly string[];
  readonly appointmentTypeCodes: readonly string[];
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly observedAt: Date;
  readonly slots: readonly (FreeSlot & { readonly appointmentTypeCodes: readonly string[] })[];
}

/** The `ehr_free_slot` read model. */
@Injectable()
export class FreeSlotRepository extends FreeSlotFinder {
  async find(manager: EntityManager, query: FreeSlotQuery): Promise<FreeSlot[]> {
    const rows = await manager.query<{ slot_id: string; start_at: Date; end_at: Date }[]>(
      `SELECT slot_id, start_at, end_at
         FROM ehr_free_slot
        WHERE tenant_id = $1 AND start_at >= $2 AND start_at < $3 AND start_at <> $4
          AND (($5 = '' AND $6 = '') OR $5 = ANY (ehr_practitioner_ids) OR $6 = ANY (ehr_location_ids))
          AND (cardinality(appointment_type_codes) = 0 OR $7 = ANY (appointment_type_codes))
        ORDER BY start_at, slot_id
        LIMIT $8`,
      [
        query.tenantId,
        query.from,
        query.to,
        query.excludeStart,
        query.ehrPractitionerId,
        query.ehrLocationId,
        query.appointmentTypeCode,
        query.limit,
      ],
    );
    return rows.map((row) => ({ slotId: row.slot_id, start: row.start_at, end: row.end_at }));
  }

  /**
   * Replaces what is held for the schedule inside the snapshot's window, unless a newer snapshot
   * of that schedule was applied already. Returns false for a stale snapshot.
   */
  async applySnapshot(manager: EntityManager, snapshot: FreeSlotSnapshot): Promise<boolean> {
    const newer = await manager.query<{ observed_at: Date }[]>(
      `INSERT INTO ehr_slot_snapshot (tenant_id, ehr_schedule_id, observed_at)
       VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, ehr_schedule_id) DO UPDATE SET observed_at = EXCLUDED.observed_at
        WHERE ehr_slot_snapshot.observed_at < EXCLUDED.observed_at
       RETURNING observed_at`,
      [snapshot.tenantId, snapshot.ehrScheduleId, snapshot.observedAt],
    );
    if (newer.length === 0) return false;
    await manager.query(
      `DELETE FROM ehr_free_slot
        WHERE tenant_id = $1 AND ehr_schedule_id = $2 AND start_at >= $3 AND start_at <= $4`,
      [snapshot.tenantId, snapshot.ehrScheduleId, snapshot.windowStart, snapshot.windowEnd],
    );
    for (const slot of snapshot.slots) {
      // A slot id seen under another schedule moves here: the newest snapshot describes it.
      await manager.query(
        `INSERT INTO ehr_free_slot (tenant_id, slot_id, ehr_schedule_id, ehr_practitioner_ids,
                                    ehr_location_ids, appointment_type_codes, start_at, end_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (tenant_id, slot_id) DO UPDATE SET
           ehr_schedule_id = EXCLUDED.ehr_schedule_id,
           ehr_practitioner_ids = EXCLUDED.ehr_practitioner_ids,
           ehr_location_ids = EXCLUDED.ehr_location_ids,
           appointment_type_codes = EXCLUDED.appointment_type_codes,
           start_at = EXCLUDED.start_at, end_at = EXCLUDED.end_at`,
        [
          snapshot.tenantId,
          slot.slotId,
          snapshot.ehrScheduleId,
          snapshot.ehrPractitionerIds,
          snapshot.ehrLocationIds,
          slot.appointmentTypeCodes.length > 0
            ? slot.appointmentTypeCodes
            : snapshot.appointmentTypeCodes,
          slot.start,
          slot.end,
        ],
      );
    }
    return true;
  }
}
