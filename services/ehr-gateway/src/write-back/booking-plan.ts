import { WriteBackFailureReason } from '@caredispatch/contracts';

import { type FhirResource, type NewFhirResource } from '../ehr-fhir/fhir-client.port';

import {
  arrayField,
  instantField,
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
  const others = arrayField(freed, 'participant').filter(
    (participant) => !isPatientParticipant(participant),
  );
  const copied = Object.fromEntries(
    COPIED_FIELDS.flatMap((field) => (freed[field] === undefined ? [] : [[field, freed[field]]])),
  );
  const appointment: NewFhirResource = {
    resourceType: 'Appointment',
    identifier: [{ system: WAITLIST_BOOKING_IDENTIFIER_SYSTEM, value: intent.offerId }],
    status: 'booked',
    ...copied,
    start: intent.newStart.toISOString(),
    end: intent.newEnd.toISOString(),
    minutesDuration: Math.round((intent.newEnd.getTime() - intent.newStart.getTime()) / 60_000),
    ...(slotReferences.length > 0
      ? { slot: slotReferences.map((reference) => ({ reference })) }
      : {}),
    participant: [
      {
        actor: { reference: `Patient/${intent.ehrPatientId}` },
        required: 'required',
        status: 'accepted',
      },
      ...others.map((participant) => ({ ...(participant as object), status: 'accepted' })),
    ],
  };
  return { kind: 'create', appointment };
}

/** The Slot references a booking must check (the freed appointment's, when it sat at the time). */
export function slotsToCheck(intent: BookingIntent, freed: FhirResource): string[] {
  const atFreedTime =
    sameInstant(instantField(freed, 'start'), intent.newStart) &&
    sameInstant(instantField(freed, 'end'), intent.newEnd);
  return atFreedTime ? referencesOf(freed, 'slot') : [];
}

function refuse(reason: WriteBackFailureReason): BookingPlan {
  return { kind: 'refuse', reason };
}
