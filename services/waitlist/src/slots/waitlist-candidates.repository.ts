import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  type TimeOfDayWindow,
  type Urgency,
  type WaitlistCandidate,
} from '../ranking/waitlist-ranking';

/** What the candidate query narrows by: the freed slot as the ranking sees it locally. */
export interface CandidateNarrowing {
  readonly tenantId: string;
  readonly slotId: string;
  /** Types this provider may see in this slot (credentials and duration already checked). */
  readonly appointmentTypeCodes: readonly string[];
  readonly providerId: string;
  readonly locationId: string;
  /** The slot's local date (`yyyy-MM-dd`), ISO weekday and wall-clock minutes, as `localSlotOf`. */
  readonly localDate: string;
  readonly weekday: number;
  readonly startMinute: number;
  readonly endMinute: number;
}

interface CandidateRow {
  id: string;
  patient_id: string;
  appointment_type_code: string;
  provider_ids: string[];
  location_ids: string[];
  earliest_date: string;
  latest_date: string;
  weekdays: number[];
  times_of_day: TimeOfDayWindow[];
  urgency: Urgency;
  waiting_since: Date;
  declines: number;
  home_lat: number | null;
  home_lng: number | null;
}

/**
 * The open entries that may be offered a freed slot, as plain rows (no entity hydration).
 *
 * Every hard rule the ranking checks on an entry's own columns is applied here too, so only the
 * few hundred entries that can be offered leave the database instead of the tenant's whole
 * list; the ranking (`rankCandidates`) re-checks them all and stays the one source of truth.
 * The SQL may only ever admit more than the ranking would, never less:
 * `waitlist-candidates.integration-spec.ts` compares the two on random waitlists.
 *
 * Entries holding an open offer, or already offered this slot, are left out by anti-joins on
 * waitlist_offer's partial unique indexes: the rows returned are contactable and hold no offer.
 */
@Injectable()
export class WaitlistCandidatesRepository {
  async eligibleFor(
    manager: EntityManager,
    narrowing: CandidateNarrowing,
  ): Promise<WaitlistCandidate[]> {
    if (narrowing.appointmentTypeCodes.length === 0) return [];
    const rows = await manager.query<CandidateRow[]>(
      `SELECT e.id, e.patient_id, e.appointment_type_code, e.provider_ids, e.location_ids,
              e.earliest_date::text AS earliest_date, e.latest_date::text AS latest_date,
              e.weekdays, e.times_of_day, e.urgency, e.waiting_since, e.declines,
              e.home_lat, e.home_lng
         FROM waitlist_entry e
        WHERE e.tenant_id = $1
          AND e.status = 'open'
          AND e.appointment_type_code = ANY($2::text[])
          AND e.earliest_date <= $3::date AND e.latest_date >= $3::date
          AND (cardinality(e.provider_ids) = 0 OR $4::text = ANY(e.provider_ids))
          AND (cardinality(e.location_ids) = 0 OR $5::text = ANY(e.location_ids))
          AND (cardinality(e.weekdays) = 0 OR $6::smallint = ANY(e.weekdays))
          AND cardinality(e.channels) > 0
          AND (jsonb_array_length(e.times_of_day) = 0 OR EXISTS (
                SELECT 1 FROM jsonb_array_elements(e.times_of_day) w
                 WHERE (w->>'from') COLLATE "C" <= $7 AND (w->>'until') COLLATE "C" >= $8))
          AND NOT EXISTS (
                SELECT 1 FROM waitlist_offer o WHERE o.entry_id = e.id AND o.status = 'open')
          AND NOT EXISTS (
                SELECT 1 FROM waitlist_offer o WHERE o.slot_id = $9 AND o.entry_id = e.id)`,
      [
        narrowing.tenantId,
        narrowing.appointmentTypeCodes,
        narrowing.localDate,
        narrowing.providerId,
        narrowing.locationId,
        narrowing.weekday,
        wallClock(narrowing.startMinute),
        wallClock(narrowing.endMinute),
        narrowing.slotId,
      ],
    );
    return rows.map((row) => ({
      entryId: row.id,
      patientId: row.patient_id,
      appointmentTypeCode: row.appointment_type_code,
      providerIds: row.provider_ids,
      locationIds: row.location_ids,
      earliestDate: row.earliest_date,
      latestDate: row.latest_date,
      weekdays: row.weekdays,
      timesOfDay: row.times_of_day,
      urgency: row.urgency,
      waitingSince: row.waiting_since,
      contactable: true,
      holdsOffer: false,
      declines: row.declines,
      ...(row.home_lat !== null && row.home_lng !== null
        ? { home: { lat: row.home_lat, lng: row.home_lng } }
        : {}),
    }));
  }
}

/**
 * `HH:mm` as stored windows spell it, so windows compare as text ("C" collation: byte order is
 * minute order for `00:00`–`24:00`). A slot running past midnight ends at `24:01`, after every
 * window, as the ranking's minute arithmetic has it.
 */
function wallClock(minute: number): string {
  const capped = Math.min(minute, 24 * 60 + 1);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(capped / 60))}:${pad(capped % 60)}`;
}
