import { type EventPayload, type EventType } from '@caredispatch/contracts';

/** A decoded payload with its type; `eventType` discriminates `event`. */
export type TypedEvent<T extends EventType = EventType> = {
  [K in T]: { readonly eventType: K; readonly event: EventPayload<K> };
}[T];

export interface AppointmentReferences {
  /** The EHR's id for the appointment (ehr-gateway and scheduling events). */
  readonly ehrAppointmentId: string | null;
  /** scheduling's uuid for the appointment (scheduling and messaging events). */
  readonly appointmentId: string | null;
}

/**
 * Pulls the appointment ids out of a payload so the trail can be found by either id: the
 * EHR's id links ehr-gateway events, scheduling's uuid links messaging events, and scheduling
 * events carry both, bridging the two.
 */
export function appointmentReferencesOf(typed: TypedEvent): AppointmentReferences {
  switch (typed.eventType) {
    case 'EhrAppointmentBookedV1':
    case 'EhrAppointmentRescheduledV1':
    case 'EhrAppointmentCancelledV1':
      return {
        ehrAppointmentId: orNull(typed.event.appointment?.ehrAppointmentId),
        appointmentId: null,
      };
    case 'AppointmentBookedV1':
    case 'AppointmentRescheduledV1':
    case 'AppointmentCancelledV1':
      return {
        ehrAppointmentId: orNull(typed.event.appointment?.ehrAppointmentId),
        appointmentId: orNull(typed.event.appointment?.appointmentId),
      };
    case 'MessageQueuedV1':
    case 'MessageSentV1':
    case 'MessageDeliveredV1':
    case 'MessageFailedV1':
    case 'MessageWithdrawnV1':
    case 'MessageExpiredV1':
    case 'PatientRescheduleNeededV1':
      return { ehrAppointmentId: null, appointmentId: orNull(typed.event.appointmentId) };
    case 'AssignmentWriteBackRequestedV1':
      return {
        ehrAppointmentId: orNull(typed.event.ehrAppointmentId),
        appointmentId: orNull(typed.event.appointmentId),
      };
    case 'WaitlistSlotOpenedV1':
      return { ehrAppointmentId: null, appointmentId: orNull(typed.event.freedByAppointmentId) };
    case 'WaitlistBookingRequestedV1':
      return {
        ehrAppointmentId: orNull(typed.event.freedEhrAppointmentId),
        appointmentId: orNull(typed.event.freedByAppointmentId),
      };
    case 'WaitlistOfferMadeV1':
    case 'WaitlistOfferResolvedV1':
    case 'WaitlistSlotClosedV1':
    case 'PatientAnsweredOfferV1':
      return { ehrAppointmentId: null, appointmentId: null };
    case 'PatientRespondedV1':
    case 'WriteBackSucceededV1':
    case 'WriteBackFailedV1':
      return {
        ehrAppointmentId: orNull(typed.event.ehrAppointmentId),
        appointmentId: orNull(typed.event.appointmentId),
      };
    case 'ReminderPlannedV1':
    case 'ReminderSentV1':
    case 'ReminderWithdrawnV1':
    case 'ReminderSuppressedV1':
      return { ehrAppointmentId: null, appointmentId: orNull(typed.event.step?.appointmentId) };
    case 'StaffInboxItemV1':
      return { ehrAppointmentId: null, appointmentId: orNull(typed.event.appointmentId) };
    // The visit the patient keeps while asking for an earlier time.
    case 'PatientRequestedEarlierTimeV1':
      return {
        ehrAppointmentId: orNull(typed.event.ehrAppointmentId),
        appointmentId: orNull(typed.event.appointmentId),
      };
    // A consent change is about a patient and a channel, not one appointment: found by patient.
    case 'ConsentChangedV1':
      return { ehrAppointmentId: null, appointmentId: null };
    case 'PhiAccessedV1':
      // A read of one appointment belongs to that appointment's trail.
      return {
        ehrAppointmentId: null,
        appointmentId:
          typed.event.resourceType === 'Appointment' && typed.event.resourceIds.length === 1
            ? orNull(typed.event.resourceIds[0])
            : null,
      };
    // A tree head is about the log itself; a plan version concerns many appointments (its
    // assignments are not one trail); an itinerary covers a provider's days; a slot snapshot
    // describes a schedule's free time, no appointment; a roster import is about providers.
    case 'EhrFreeSlotsV1':
    case 'RosterImportRequestedV1':
    case 'EhrRosterFetchedV1':
    case 'EhrRosterFetchFailedV1':
    case 'TreeHeadSignedV1':
    case 'DispatchPlanPublishedV1':
    case 'ItineraryDeliveredV1':
    case 'ItineraryDeliveryFailedV1':
      return { ehrAppointmentId: null, appointmentId: null };
  }
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The trace id of a W3C traceparent (https://www.w3.org/TR/trace-context/#traceparent-header). */
export function traceIdOf(traceparent: string): string | null {
  const match = TRACEPARENT.exec(traceparent.trim());
  if (!match) return null;
  const [, version, traceId, parentId] = match;
  const suffix = match.at(5);
  // Version ff and all-zero ids are invalid per the spec; version 00 allows no suffix.
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(parentId)) return null;
  if (version === '00' && suffix !== undefined) return null;
  return traceId;
}

function orNull(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/** Who acted and which patients an event concerns: the compliance query's filters. */
export interface EventFacets {
  /** The person or client for an access event; the producing service otherwise. */
  readonly actor: string;
  /** scheduling's patient uuids and the EHR's patient ids the event names. */
  readonly patientIds: readonly string[];
}

export function eventFacetsOf(typed: TypedEvent, producer: string): EventFacets {
  switch (typed.eventType) {
    case 'EhrAppointmentBookedV1':
    case 'EhrAppointmentRescheduledV1':
    case 'EhrAppointmentCancelledV1':
      return {
        actor: producer,
        patientIds: present(typed.event.appointment?.patient?.ehrPatientId),
      };
    case 'AppointmentBookedV1':
    case 'AppointmentRescheduledV1':
    case 'AppointmentCancelledV1':
      return { actor: producer, patientIds: present(typed.event.appointment?.patient?.patientId) };
    // Messages, tree heads, slot snapshots and dispatch events carry ids only; the
    // appointment's own events name its patient. A roster import names providers, no patient.
    case 'MessageQueuedV1':
    case 'MessageSentV1':
    case 'MessageDeliveredV1':
    case 'MessageFailedV1':
    case 'MessageWithdrawnV1':
    case 'MessageExpiredV1':
    case 'EhrFreeSlotsV1':
    case 'TreeHeadSignedV1':
    case 'DispatchPlanPublishedV1':
    case 'PatientRescheduleNeededV1':
    case 'AssignmentWriteBackRequestedV1':
    case 'PatientRespondedV1':
    case 'WriteBackSucceededV1':
    case 'WriteBackFailedV1':
    case 'ItineraryDeliveredV1':
    case 'ItineraryDeliveryFailedV1':
    case 'RosterImportRequestedV1':
    case 'EhrRosterFetchedV1':
    case 'EhrRosterFetchFailedV1':
      return { actor: producer, patientIds: [] };
    // An offer and a filled slot concern one waitlisted patient (scheduling's uuid).
    case 'WaitlistOfferMadeV1':
    case 'WaitlistOfferResolvedV1':
    case 'WaitlistSlotClosedV1':
    case 'WaitlistBookingRequestedV1':
    case 'PatientAnsweredOfferV1':
    case 'PatientRequestedEarlierTimeV1':
      return { actor: producer, patientIds: present(typed.event.patientId) };
    case 'WaitlistSlotOpenedV1':
      return { actor: producer, patientIds: [] };
    // Reminder, consent and inbox events name the patient by scheduling's uuid (ids only), so
    // "why did this patient get no reminder?" is one query by patient.
    case 'ReminderPlannedV1':
    case 'ReminderSentV1':
    case 'ReminderWithdrawnV1':
    case 'ReminderSuppressedV1':
      return { actor: producer, patientIds: present(typed.event.step?.patientId) };
    case 'ConsentChangedV1':
    case 'StaffInboxItemV1':
      return { actor: producer, patientIds: present(typed.event.patientId) };
    case 'PhiAccessedV1':
      return {
        actor: typed.event.accessor?.subject || producer,
        patientIds: [...new Set(typed.event.patientIds.filter((id) => id !== ''))].sort(),
      };
  }
}

function present(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : [value];
}
