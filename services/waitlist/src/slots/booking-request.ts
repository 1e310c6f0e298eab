import { type NewEvent, timestampFromDate } from '@caredispatch/contracts';

/** The slot as the booking needs it. */
export interface SlotToBook {
  readonly id: string;
  readonly freedByAppointmentId: string;
  readonly freedEhrAppointmentId: string;
  readonly freedEhrVersion: string;
  readonly startAt: Date;
  readonly endAt: Date;
  readonly appointmentTypeCode: string;
}

/** The acceptor's entry as the booking needs it. */
export interface AcceptorToBook {
  readonly entryId: string;
  readonly patientId: string;
  readonly ehrPatientId: string | null;
  /** The visit they keep (scheduling's uuid), null for staff entries. */
  readonly replacesAppointmentId: string | null;
  readonly keptEhrAppointmentId: string | null;
  readonly keptEhrVersion: string;
}

export type BookingRequest = NewEvent<'WaitlistBookingRequestedV1'>['payload'];

/**
 * What an acceptance asks ehr-gateway to book, or null when the EHR cannot be asked (staff book
 * the fill by hand):
 * - the freed appointment unknown to the EHR → null (nothing to take the time from);
 * - the acceptor keeps a visit → move that visit to the freed time (one Appointment, never a
 *   second one); null while the kept visit's EHR id is not known;
 * - otherwise → a new Appointment for the acceptor; null without their EHR patient id.
 */
export function bookingRequestFor(
  slot: SlotToBook,
  offerId: string,
  acceptor: AcceptorToBook,
): BookingRequest | null {
  if (slot.freedEhrAppointmentId === '') return null;
  const keepsVisit = acceptor.replacesAppointmentId !== null;
  if (keepsVisit && acceptor.keptEhrAppointmentId === null) return null;
  if (!keepsVisit && acceptor.ehrPatientId === null) return null;
  return {
    slotId: slot.id,
    offerId,
    entryId: acceptor.entryId,
    patientId: acceptor.patientId,
    ehrPatientId: acceptor.ehrPatientId ?? '',
    freedByAppointmentId: slot.freedByAppointmentId,
    freedEhrAppointmentId: slot.freedEhrAppointmentId,
    freedEhrVersion: slot.freedEhrVersion,
    start: timestampFromDate(slot.startAt),
    end: timestampFromDate(slot.endAt),
    appointmentTypeCode: slot.appointmentTypeCode,
    keptEhrAppointmentId: keepsVisit ? (acceptor.keptEhrAppointmentId ?? '') : '',
    keptEhrVersion: keepsVisit ? acceptor.keptEhrVersion : '',
  };
}
