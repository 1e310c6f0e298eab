import { WriteBackFailureReason } from '@caredispatch/contracts';

import { type ConfirmationMarker } from '../ehr-fhir/ehr-connection';
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
import { type WriteBackActionName } from './write-back-job.entity';

/** What the patient asked for, as the job stored it. */
export interface WriteBackIntent {
  readonly action: WriteBackActionName;
  readonly slotId: string | null;
  readonly newStart: Date | null;
  readonly newEnd: Date | null;
  /** The appointment's times when the patient answered; null when the gateway never saw it. */
  readonly expectedStart: Date | null;
  readonly expectedEnd: Date | null;
}

export interface WriteBackSettings {
  readonly confirmationMarker: ConfirmationMarker;
  readonly rescheduleMode: 'update' | 'cancel-and-create';
}

export type WriteBackPlan =
  | { readonly kind: 'update'; readonly appointment: FhirResource }
  | {
      readonly kind: 'cancel-and-create';
      readonly cancelled: FhirResource;
      readonly created: NewFhirResource;
    }
  | { readonly kind: 'already-applied' }
  | { readonly kind: 'refuse'; readonly reason: WriteBackFailureReason };

/** R4 appointment-cancellation-reason: "pat" = the patient cancelled. */
export const PATIENT_CANCELLATION_REASON = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason',
      code: 'pat',
      display: 'Patient',
    },
  ],
  text: 'patient',
} as const;

const ENDED_STATUSES = new Set(['cancelled', 'entered-in-error', 'noshow', 'fulfilled']);

/**
 * The write-back decision, pure: given the patient's intent and the appointment as the EHR
 * holds it now (re-read after every 412), what to write — or why not. A change by staff
 * since the patient answered (moved or cancelled) always wins: the answer is not applied.
 */
export function planWriteBack(
  intent: WriteBackIntent,
  appointment: FhirResource,
  settings: WriteBackSettings,
  slot?: FhirResource,
): WriteBackPlan {
  const status = stringField(appointment, 'status');
  const start = instantField(appointment, 'start');
  const end = instantField(appointment, 'end');
  const ended = ENDED_STATUSES.has(status);
  const movedByStaff =
    intent.expectedStart !== null &&
    intent.expectedEnd !== null &&
    (!sameInstant(start, intent.expectedStart) || !sameInstant(end, intent.expectedEnd));

  switch (intent.action) {
    case 'cancel':
      if (status === 'cancelled' || status === 'entered-in-error')
        return { kind: 'already-applied' };
      if (ended) return refuse(WriteBackFailureReason.REJECTED_BY_EHR);
      if (movedByStaff) return refuse(WriteBackFailureReason.SUPERSEDED_BY_STAFF);
      return { kind: 'update', appointment: cancelledCopy(appointment) };
    case 'confirm': {
      if (ended) return refuse(WriteBackFailureReason.APPOINTMENT_CANCELLED);
      if (movedByStaff) return refuse(WriteBackFailureReason.SUPERSEDED_BY_STAFF);
      const confirmed = confirmedCopy(appointment, settings.confirmationMarker);
      if (!confirmed) return refuse(WriteBackFailureReason.REJECTED_BY_EHR);
      return JSON.stringify(confirmed) === JSON.stringify(appointment)
        ? { kind: 'already-applied' }
        : { kind: 'update', appointment: confirmed };
    }
    case 'reschedule': {
      if (ended) return refuse(WriteBackFailureReason.APPOINTMENT_CANCELLED);
      const slotReference = `Slot/${intent.slotId ?? ''}`;
      if (
        sameInstant(start, intent.newStart) &&
        sameInstant(end, intent.newEnd) &&
        slotReferences(appointment).includes(slotReference)
      ) {
        return { kind: 'already-applied' };
      }
      if (movedByStaff) return refuse(WriteBackFailureReason.SUPERSEDED_BY_STAFF);
      if (!slot || stringField(slot, 'status') !== 'free')
        return refuse(WriteBackFailureReason.SLOT_TAKEN);
      // The Slot's own times are authoritative; the patient picked the slot, not the label.
      const slotStart = instantField(slot, 'start') ?? intent.newStart;
      const slotEnd = instantField(slot, 'end') ?? intent.newEnd;
      if (!slotStart || !slotEnd) return refuse(WriteBackFailureReason.SLOT_TAKEN);
      const moved = movedCopy(appointment, slotReference, slotStart, slotEnd);
      if (settings.rescheduleMode === 'update') return { kind: 'update', appointment: moved };
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- id and meta are dropped
      const { id, meta, ...created } = moved;
      return {
        kind: 'cancel-and-create',
        cancelled: cancelledCopy(appointment),
        created: { ...created, status: 'booked', resourceType: 'Appointment' },
      };
    }
    case 'book':
    case 'move':
    case 'reassign':
      // A waitlist fill creates a new appointment or moves a kept one: planBooking / planMove
      // decide it (booking-plan.ts);
      // a reassignment changes the practitioner: planReassignment (reassignment-plan.ts).
      return refuse(WriteBackFailureReason.REJECTED_BY_EHR);
  }
}

function refuse(reason: WriteBackFailureReason): WriteBackPlan {
  return { kind: 'refuse', reason };
}

function cancelledCopy(appointment: FhirResource): FhirResource {
  return { ...appointment, status: 'cancelled', cancelationReason: PATIENT_CANCELLATION_REASON };
}

/** Patient participant → accepted, plus the practice's marker; undefined without a patient. */
function confirmedCopy(
  appointment: FhirResource,
  marker: ConfirmationMarker,
): FhirResource | undefined {
  const participants = arrayField(appointment, 'participant');
  const patientIndex = participants.findIndex(isPatientParticipant);
  if (patientIndex < 0) return undefined;
  const participant = participants.map((entry, index) =>
    index === patientIndex ? { ...(entry as object), status: 'accepted' } : entry,
  );
  const confirmed: Record<string, unknown> = { ...appointment, participant };
  if (marker.type === 'extension') {
    const extensions = arrayField(appointment, 'extension');
    const present = extensions.some(
      (extension) => isObject(extension) && extension.url === marker.url,
    );
    if (!present) confirmed.extension = [...extensions, { url: marker.url, valueBoolean: true }];
  } else if (marker.type === 'comment') {
    const comment = stringField(appointment, 'comment');
    if (!comment.includes(marker.text)) {
      confirmed.comment = comment === '' ? marker.text : `${comment} ${marker.text}`;
    }
  }
  return confirmed as FhirResource;
}

function movedCopy(
  appointment: FhirResource,
  slotReference: string,
  start: Date,
  end: Date,
): FhirResource {
  const participant = arrayField(appointment, 'participant').map((entry) =>
    isPatientParticipant(entry) ? { ...(entry as object), status: 'accepted' } : entry,
  );
  return {
    ...appointment,
    start: start.toISOString(),
    end: end.toISOString(),
    minutesDuration: Math.round((end.getTime() - start.getTime()) / 60_000),
    slot: [{ reference: slotReference }],
    participant,
  };
}

export function slotReferences(appointment: FhirResource): string[] {
  return referencesOf(appointment, 'slot');
}
