import { WriteBackFailureReason } from '@caredispatch/contracts';

import { type FhirResource, type NewFhirResource } from '../ehr-fhir/fhir-client.port';

import {
  arrayField,
  instantField,
  isObject,
  isPatientParticipant,
  referencesOf,
  sameInstant,
  stringField,
} from './fhir-fields';

/** Identifier system of the Appointments we book for waitlist fills; the value is the offer id. */
export const WAITLIST_BOOKING_IDENTIFIER_SYSTEM =
  'https://caredispatch.dev/fhir/NamingSystem/waitlist-offer';

/** A waitlist fill as the `book` job stored it. */
export interface BookingIntent {
  /** The accepted offer's id (the job's response id). */
  readonly offerId: string;
  readonly ehrPatientId: string | null;
  /** The freed time (UTC). */
  readonly newStart: Date | null;
  readonly newEnd: Date | null;
  /** The freed appointment's version when the waitlist learned of it; null = unknown. */
  readonly expectedVersion: string | null;
}

/** What the EHR holds now, read just before deciding. */
export interface BookingFacts {
  /** The appointment whose cancellation (or move) freed the time, and its current version. */
  readonly freed: FhirResource;
  readonly freedVersion: string;
  /** An Appointment already carrying this offer's identifier (our earlier attempt), if any. */
  readonly earlierBooking: FhirResource | undefined;
  /** The Slots the freed appointment names, as read now (undefined = unknown to the EHR). */
  readonly slots: readonly (FhirResource | undefined)[];
}

export type BookingPlan =
  | { readonly kind: 'create'; readonly appointment: NewFhirResource }
  | { readonly kind: 'already-booked'; readonly appointment: FhirResource }
  | { readonly kind: 'refuse'; readonly reason: WriteBackFailureReason };

/** Statuses in which an appointment no longer occupies its time. */
const RELEASED_STATUSES = new Set(['cancelled', 'entered-in-error', 'noshow']);

/** Fields of the freed appointment that describe the visit, not the patient or its history. */
const COPIED_FIELDS = ['appointmentType', 'serviceCategory', 'serviceType', 'specialty'] as const;

/**
 * The booking decision, pure: book the acceptor into the freed time with the freed
 * appointment's practitioner, location and (when it still sits at that time) its Slots — or
 * refuse. Staff win every race: a freed appointment changed since the waitlist saw it (other
 * version), one that occupies the time again, or a Slot no longer free is SLOT_TAKEN.
 */
export function planBooking(intent: BookingIntent, facts: BookingFacts): BookingPlan {
  if (intent.ehrPatientId === null || intent.newStart === null || intent.newEnd === null) {
    return refuse(WriteBackFailureReason.REJECTED_BY_EHR);
  }
  if (facts.earlierBooking && stringField(facts.earlierBooking, 'status') !== 'cancelled') {
    return { kind: 'already-booked', appointment: facts.earlierBooking };
  }
  const freedTime = checkFreedTime(
    { newStart: intent.newStart, newEnd: intent.newEnd, expectedVersion: intent.expectedVersion },
    facts,
  );
  if (freedTime.kind === 'refuse') return freedTime;
  const { freed } = facts;
  const copied = Object.fromEntries(
    COPIED_FIELDS.flatMap((field) => (freed[field] === undefined ? [] : [[field, freed[field]]])),
  );
  const appointment: NewFhirResource = {
    resourceType: 'Appointment',
    identifier: [offerIdentifier(intent.offerId)],
    status: 'booked',
    ...copied,
    ...timeFields(intent.newStart, intent.newEnd),
    ...slotField(freedTime.slotReferences),
    participant: [
      {
        actor: { reference: `Patient/${intent.ehrPatientId}` },
        required: 'required',
        status: 'accepted',
      },
      ...freedTime.staffParticipants,
    ],
  };
  return { kind: 'create', appointment };
}

/** A waitlist fill for an acceptor who keeps a visit, as the `move` job stored it. */
export interface MoveIntent {
  /** The accepted offer's id (the job's response id): the identifier the moved visit carries. */
  readonly offerId: string;
  /** The freed time (UTC). */
  readonly newStart: Date | null;
  readonly newEnd: Date | null;
  /** The freed appointment's version when the waitlist learned of it; null = unknown. */
  readonly expectedVersion: string | null;
  /** The kept visit's version as the waitlist last learned it; null = unknown. */
  readonly keptVersion: string | null;
  /** The kept visit's times as this gateway last published them (null = never seen). */
  readonly keptStart: Date | null;
  readonly keptEnd: Date | null;
}

/** What the EHR holds now, read just before deciding. */
export interface MoveFacts {
  /** The visit the acceptor keeps, and its current version. */
  readonly kept: FhirResource;
  readonly keptVersion: string;
  /** The appointment whose cancellation (or move) freed the time, and its current version. */
  readonly freed: FhirResource;
  readonly freedVersion: string;
  /** The Slots the freed appointment names, as read now (undefined = unknown to the EHR). */
  readonly slots: readonly (FhirResource | undefined)[];
}

export type MovePlan =
  | { readonly kind: 'update'; readonly appointment: FhirResource }
  | { readonly kind: 'already-moved'; readonly appointment: FhirResource }
  | { readonly kind: 'refuse'; readonly reason: WriteBackFailureReason };

/**
 * The move decision, pure: the acceptor's kept visit goes to the freed time, taking the freed
 * appointment's practitioner and location participants and (when the freed appointment still
 * sits there, released) its Slots; the patient, the visit's type and history stay. One
 * Appointment, never a second one. Staff win every race:
 * - the kept visit cancelled, or changed since the waitlist saw it → KEPT_VISIT_CHANGED. A new
 *   version alone is not a change when the visit still sits where it was last seen (a version
 *   bumped by the patient's own confirmation publishes nothing, so the waitlist cannot know it);
 * - the freed time taken again (as planBooking decides it) → SLOT_TAKEN.
 * A kept visit already at the freed time with this offer's identifier was moved by an earlier
 * attempt whose answer was lost: done.
 */
export function planMove(intent: MoveIntent, facts: MoveFacts): MovePlan {
  if (intent.newStart === null || intent.newEnd === null) {
    return refuse(WriteBackFailureReason.REJECTED_BY_EHR);
  }
  const { kept } = facts;
  const released = RELEASED_STATUSES.has(stringField(kept, 'status'));
  const atNewTime =
    sameInstant(instantField(kept, 'start'), intent.newStart) &&
    sameInstant(instantField(kept, 'end'), intent.newEnd);
  if (!released && atNewTime && carriesOffer(kept, intent.offerId)) {
    return { kind: 'already-moved', appointment: kept };
  }
  if (released) return refuse(WriteBackFailureReason.KEPT_VISIT_CHANGED);
  const sameVersion = intent.keptVersion !== null && facts.keptVersion === intent.keptVersion;
  if (!sameVersion) {
    const whereLastSeen =
      intent.keptStart !== null &&
      intent.keptEnd !== null &&
      sameInstant(instantField(kept, 'start'), intent.keptStart) &&
      sameInstant(instantField(kept, 'end'), intent.keptEnd);
    if (!whereLastSeen) return refuse(WriteBackFailureReason.KEPT_VISIT_CHANGED);
  }
  const freedTime = checkFreedTime(
    { newStart: intent.newStart, newEnd: intent.newEnd, expectedVersion: intent.expectedVersion },
    facts,
  );
  if (freedTime.kind === 'refuse') return freedTime;
  const patients = arrayField(kept, 'participant').filter(isPatientParticipant);
  if (patients.length === 0) return refuse(WriteBackFailureReason.REJECTED_BY_EHR);
  // The kept visit's old Slots belong to its old time: they are not carried over.
  const appointment: FhirResource = {
    ...(Object.fromEntries(
      Object.entries(kept).filter(([field]) => field !== 'slot'),
    ) as FhirResource),
    identifier: [
      ...arrayField(kept, 'identifier').filter(
        (identifier) =>
          !(isObject(identifier) && identifier.system === WAITLIST_BOOKING_IDENTIFIER_SYSTEM),
      ),
      offerIdentifier(intent.offerId),
    ],
    ...timeFields(intent.newStart, intent.newEnd),
    ...slotField(freedTime.slotReferences),
    participant: [...patients, ...freedTime.staffParticipants],
  };
  return { kind: 'update', appointment };
}

/** Whether an Appointment carries this offer's identifier (we booked or moved it for the offer). */
export function carriesOffer(appointment: FhirResource, offerId: string): boolean {
  return arrayField(appointment, 'identifier').some(
    (identifier) =>
      isObject(identifier) &&
      identifier.system === WAITLIST_BOOKING_IDENTIFIER_SYSTEM &&
      identifier.value === offerId,
  );
}

type FreedTimeCheck =
  | { readonly kind: 'refuse'; readonly reason: WriteBackFailureReason }
  | {
      readonly kind: 'free';
      /** The Slots a booking of the time takes over (a cancelled freed appointment's). */
      readonly slotReferences: readonly string[];
      /** The freed appointment's practitioner, location … participants, accepted. */
      readonly staffParticipants: readonly object[];
    };

/**
 * Is the freed time still free: the freed appointment unchanged since the waitlist saw it, not
 * occupying the time again, its Slots (when it sat there) all free. Shared by booking and move.
 */
function checkFreedTime(
  intent: { newStart: Date; newEnd: Date; expectedVersion: string | null },
  facts: {
    freed: FhirResource;
    freedVersion: string;
    slots: readonly (FhirResource | undefined)[];
  },
): FreedTimeCheck {
  const { freed } = facts;
  if (intent.expectedVersion !== null && facts.freedVersion !== intent.expectedVersion) {
    return refuse(WriteBackFailureReason.SLOT_TAKEN);
  }
  const atFreedTime =
    sameInstant(instantField(freed, 'start'), intent.newStart) &&
    sameInstant(instantField(freed, 'end'), intent.newEnd);
  const released = RELEASED_STATUSES.has(stringField(freed, 'status'));
  if (atFreedTime && !released) return refuse(WriteBackFailureReason.SLOT_TAKEN);
  // A moved appointment's Slots are its new time's: only a cancelled one hands its Slots on.
  const slotReferences = atFreedTime ? referencesOf(freed, 'slot') : [];
  if (facts.slots.length !== slotReferences.length) {
    return refuse(WriteBackFailureReason.SLOT_TAKEN);
  }
  if (facts.slots.some((slot) => slot === undefined || stringField(slot, 'status') !== 'free')) {
    return refuse(WriteBackFailureReason.SLOT_TAKEN);
  }
  const staffParticipants = arrayField(freed, 'participant')
    .filter((participant) => !isPatientParticipant(participant))
    .map((participant) => ({ ...(participant as object), status: 'accepted' }));
  return { kind: 'free', slotReferences, staffParticipants };
}

function offerIdentifier(offerId: string): { system: string; value: string } {
  return { system: WAITLIST_BOOKING_IDENTIFIER_SYSTEM, value: offerId };
}

function timeFields(start: Date, end: Date) {
  return {
    start: start.toISOString(),
    end: end.toISOString(),
    minutesDuration: Math.round((end.getTime() - start.getTime()) / 60_000),
  };
}

function slotField(references: readonly string[]) {
  return references.length > 0 ? { slot: references.map((reference) => ({ reference })) } : {};
}

/** The Slot references a booking must check (the freed appointment's, when it sat at the time). */
export function slotsToCheck(
  intent: { newStart: Date | null; newEnd: Date | null },
  freed: FhirResource,
): string[] {
  const atFreedTime =
    sameInstant(instantField(freed, 'start'), intent.newStart) &&
    sameInstant(instantField(freed, 'end'), intent.newEnd);
  return atFreedTime ? referencesOf(freed, 'slot') : [];
}

function refuse(reason: WriteBackFailureReason): {
  readonly kind: 'refuse';
  readonly reason: WriteBackFailureReason;
} {
  return { kind: 'refuse', reason };
}
