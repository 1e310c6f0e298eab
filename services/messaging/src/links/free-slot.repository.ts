import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { type FreeSlot, FreeSlotFinder, type FreeSlotQuery } from './free-slots.port';

export interface FreeSlotRecord {
  readonly tenantId: string;
  readonly slotId: string;
  readonly providerId: string;
  readonly locationId: string;
  readonly appointmentTypeCode: string;
  readonly start: Date;
  readonly end: Date;
}

/** The `ehr_free_slot` read model: free slots of the same provider or location, and type. */
@Injectable()
export class FreeSlotRepository extends FreeSlotFinder {
  async find(manager: EntityManager, query: FreeSlotQuery): Promise<FreeSlot[]> {
    const rows = await manager.query<{ slot_id: string; start_at: Date; end_at: Date }[]>(
      `SELECT slot_id, start_at, end_at
         FROM ehr_free_slot
        WHERE tenant_id = $1 AND start_at >= $2 AND start_at < $3
          AND (provider_id = $4 OR location_id = $5)
          AND (appointment_type_code = '' OR appointment_type_code = $6)
          AND start_at <> $7
        ORDER BY start_at, slot_id
        LIMIT $8`,
      [
        query.tenantId,
        query.from,
        query.to,
        query.providerId,
        query.locationId,
        query.appointmentTypeCode,
        query.excludeStart,
        query.limit,
      ],
    );
    return rows.map((row) => ({ slotId: row.slot_id, start: row.start_at, end: row.end_at }));
  }

  /** A slot became (or stays) free. */
  async upsertFree(manager: EntityManager, slot: FreeSlotRecord, now: Date): Promise<void> {
    await manager.query(
      `INSERT INTO ehr_free_slot (tenant_id, slot_id, provider_id, location_id,
                                  appointment_type_code, start_at, end_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, slot_id) DO UPDATE SET
         provider_id = EXCLUDED.provider_id, location_id = EXCLUDED.location_id,
         appointment_type_code = EXCLUDED.appointment_type_code, start_at = EXCLUDED.start_at,
         end_at = EXCLUDED.end_at, updated_at = EXCLUDED.updated_at`,
      [
        slot.tenantId,
        slot.slotId,
        slot.providerId,
        slot.locationId,
        slot.appointmentTypeCode,
        slot.start,
        slot.end,
        now,
      ],
    );
  }

  /** A slot was taken or removed: it is offered no more. */
  async remove(manager: EntityManager, tenantId: string, slotId: string): Promise<void> {
    await manager.query(`DELETE FROM ehr_free_slot WHERE tenant_id = $1 AND slot_id = $2`, [
      tenantId,
      slotId,
    ]);
  }
}
