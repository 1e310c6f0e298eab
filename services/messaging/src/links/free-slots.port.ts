import { type EntityManager } from 'typeorm';

export interface FreeSlot {
  /** The EHR's Slot id: what the patient's answer names and ehr-gateway books. */
  readonly slotId: string;
  readonly start: Date;
  readonly end: Date;
}

export interface FreeSlotQuery {
  readonly tenantId: string;
  /**
   * The appointment's EHR practitioner and location ids: a slot of a Schedule naming either
   * is offered (same provider, or same location). '' = unknown (events from before scheduling
   * carried them); with both unknown the appointment type alone selects.
   */
  readonly ehrPractitionerId: string;
  readonly ehrLocationId: string;
  readonly appointmentTypeCode: string;
  /** Half-open window [from, to). */
  readonly from: Date;
  readonly to: Date;
  readonly limit: number;
  /** The appointment's own time is never offered as a new one. */
  readonly excludeStart: Date;
}

/**
 * Where the reschedule page finds free times: a read model of the EHR's FHIR `Slot`s (status
 * free), fed by ehr-gateway on `ehr.slot.v1`. Answers from our own database, never from the
 * EHR during a page view: a slow EHR must not make the page slow.
 */
export abstract class FreeSlotFinder {
  abstract find(manager: EntityManager, query: FreeSlotQuery): Promise<FreeSlot[]>;
}
