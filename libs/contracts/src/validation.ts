import {
  StaffInboxItemKind,
  type StaffInboxItemV1,
} from './generated/caredispatch/messaging/inbox/v1/inbox_pb';
import {
  type PatientAnsweredOfferV1,
  type PatientRequestedEarlierTimeV1,
  type PatientRespondedV1,
  ResponseKind,
} from './generated/caredispatch/messaging/response/v1/response_pb';
import {
  SlotOutcome,
  type WaitlistBookingRequestedV1,
  type WaitlistOfferMadeV1,
  type WaitlistOfferResolvedV1,
  type WaitlistSlotClosedV1,
  type WaitlistSlotOpenedV1,
} from './generated/caredispatch/waitlist/slot/v1/waitlist_pb';

import type { PhiAccessedV1 } from './generated/caredispatch/audit/access/v1/access_pb';
import type { TreeHeadSignedV1 } from './generated/caredispatch/audit/treehead/v1/tree_head_pb';
import type { AssignmentWriteBackRequestedV1 } from './generated/caredispatch/dispatch/ehrassignment/v1/ehr_assignment_pb';
import type {
  ItineraryDeliveredV1,
  ItineraryDeliveryFailedV1,
} from './generated/caredispatch/dispatch/itinerary/v1/itinerary_pb';
import type { DispatchPlanPublishedV1 } from './generated/caredispatch/dispatch/plan/v1/plan_pb';
import type { PatientRescheduleNeededV1 } from './generated/caredispatch/dispatch/reschedule/v1/reschedule_pb';
import type { RosterImportRequestedV1 } from './generated/caredispatch/dispatch/rosterimport/v1/roster_import_pb';
import type { EhrAppointment } from './generated/caredispatch/ehr/appointment/v1/appointment_pb';
import type {
  EhrRosterFetchedV1,
  EhrRosterFetchFailedV1,
} from './generated/caredispatch/ehr/roster/v1/roster_pb';
import type { EhrFreeSlotsV1 } from './generated/caredispatch/ehr/slot/v1/slot_pb';
import type { ConsentChangedV1 } from './generated/caredispatch/messaging/consent/v1/consent_pb';
import type { ReminderStep } from './generated/caredispatch/messaging/reminder/v1/reminder_pb';
import type { ScheduledAppointment } from './generated/caredispatch/scheduling/appointment/v1/appointment_pb';
import type { Timestamp } from '@bufbuild/protobuf/wkt';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** BCP-47 shape (RFC 5646 without the registry), at most 35 characters (its §4.4.1). */
const LANGUAGE_TAG_PATTERN = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

/**
 * Collects contract violations as field paths. Proto3 cannot mark fields required, so the
 * rules a consumer relies on (ids present, instants set, a usable IANA zone) live here.
 * Messages name the field only: values may be PHI.
 */
export class IssueCollector {
  private readonly found: string[] = [];

  get issues(): readonly string[] {
    return this.found;
  }

  text(path: string, value: string): this {
    if (value.trim() === '') this.found.push(`${path} is required`);
    return this;
  }

  /** An optional BCP-47 language tag: absent, or its shape and length hold. */
  languageTag(path: string, value: string | undefined): this {
    if (value !== undefined && (value.length > 35 || !LANGUAGE_TAG_PATTERN.test(value))) {
      this.found.push(`${path} must be a BCP-47 language tag of at most 35 characters`);
    }
    return this;
  }

  uuid(path: string, value: string): this {
    if (!UUID_PATTERN.test(value)) this.found.push(`${path} must be a UUID`);
    return this;
  }

  /** An upper-case code such as SLOT_TAKEN (never free text). */
  code(path: string, value: string): this {
    if (!/^[A-Z][A-Z_]{0,63}$/.test(value)) this.found.push(`${path} must be an upper-case code`);
    return this;
  }

  bytes(path: string, value: Uint8Array, length: number): this {
    if (value.length !== length) this.found.push(`${path} must be ${length} bytes`);
    return this;
  }

  present(path: string, value: unknown): this {
    if (value === undefined || value === null) this.found.push(`${path} is required`);
    return this;
  }

  positive(path: string, value: number): this {
    if (!(value > 0)) this.found.push(`${path} must be > 0`);
    return this;
  }

  timeZone(path: string, value: string): this {
    if (!isIanaTimeZone(value)) this.found.push(`${path} must be an IANA time zone`);
    return this;
  }

  interval(path: string, start: Timestamp | undefined, end: Timestamp | undefined): this {
    this.present(`${path}.start`, start).present(`${path}.end`, end);
    if (start && end && compareTimestamps(start, end) > 0) {
      this.found.push(`${path}.end must not be before start`);
    }
    return this;
  }
}

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

// Building an Intl.DateTimeFormat costs ~1 ms, paid on every decoded appointment event;
// the set of zones seen in practice is tiny, so valid names are remembered.
const knownTimeZones = new Set<string>();

function isIanaTimeZone(value: string): boolean {
  if (value === '') return false;
  if (knownTimeZones.has(value)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    knownTimeZones.add(value);
    return true;
  } catch {
    return false;
  }
}

function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  return a.nanos - b.nanos;
}

export function validateEhrAppointment(
  appointment: EhrAppointment | undefined,
  issues = new IssueCollector(),
): readonly string[] {
  if (!appointment) return issues.present('appointment', appointment).issues;
  issues
    .text('appointment.ehr_appointment_id', appointment.ehrAppointmentId)
    .text('appointment.ehr_version', appointment.ehrVersion)
    .text('appointment.source_system', appointment.sourceSystem)
    .interval('appointment', appointment.start, appointment.end)
    .present('appointment.patient', appointment.patient)
    .present('appointment.location', appointment.location);
  if (appointment.patient) {
    issues
      .text('appointment.patient.ehr_patient_id', appointment.patient.ehrPatientId)
      .languageTag('appointment.patient.preferred_language', appointment.patient.preferredLanguage);
  }
  if (appointment.location)
    issues.timeZone('appointment.location.time_zone', appointment.location.timeZone);
  return issues.issues;
}

/** A slot snapshot names its schedule and window; every slot has an id and a start ≤ end. */
export function validateEhrFreeSlots(event: EhrFreeSlotsV1): readonly string[] {
  const issues = new IssueCollector()
    .text('source_system', event.sourceSystem)
    .text('ehr_schedule_id', event.ehrScheduleId)
    .interval('window', event.windowStart, event.windowEnd)
    .present('observed_at', event.observedAt)
    .positive('trigger', event.trigger);
  event.slots.forEach((slot, index) => {
    issues
      .text(`slots[${index}].slot_id`, slot.slotId)
      .interval(`slots[${index}]`, slot.start, slot.end);
  });
  return issues.issues;
}

interface WriteBackFields {
  writeBackId: string;
  responseId: string;
  appointmentId: string;
  ehrAppointmentId: string;
  action: number;
  attempts: number;
}

/** A write-back outcome names the job, the response, both appointment ids and the action. */
export function validateWriteBack(
  event: WriteBackFields,
  issues = new IssueCollector(),
): readonly string[] {
  return issues
    .uuid('write_back_id', event.writeBackId)
    .uuid('response_id', event.responseId)
    .uuid('appointment_id', event.appointmentId)
    .text('ehr_appointment_id', event.ehrAppointmentId)
    .positive('action', event.action).issues;
}

export function validateScheduledAppointment(
  appointment: ScheduledAppointment | undefined,
  issues = new IssueCollector(),
): readonly string[] {
  if (!appointment) return issues.present('appointment', appointment).issues;
  issues
    .uuid('appointment.appointment_id', appointment.appointmentId)
    .text('appointment.ehr_appointment_id', appointment.ehrAppointmentId)
    .positive('appointment.revision', appointment.revision)
    .interval('appointment', appointment.start, appointment.end)
    .present('appointment.patient', appointment.patient)
    .present('appointment.location', appointment.location);
  if (appointment.patient) {
    issues
      .uuid('appointment.patient.patient_id', appointment.patient.patientId)
      .languageTag('appointment.patient.preferred_language', appointment.patient.preferredLanguage);
  }
  if (appointment.location)
    issues.timeZone('appointment.location.time_zone', appointment.location.timeZone);
  return issues.issues;
}

interface MessageEventFields {
  messageId: string;
  appointmentId: string;
  channel: number;
  purpose: number;
  status: number;
}

export function validateMessageEvent(
  event: MessageEventFields,
  issues = new IssueCollector(),
): readonly string[] {
  return issues
    .uuid('message_id', event.messageId)
    .uuid('appointment_id', event.appointmentId)
    .positive('channel', event.channel)
    .positive('purpose', event.purpose)
    .positive('status', event.status).issues;
}

/** A response names what was answered; a move to a chosen slot carries the slot and its times. */
export function validatePatientResponse(event: PatientRespondedV1): readonly string[] {
  const issues = new IssueCollector()
    .uuid('response_id', event.responseId)
    .uuid('appointment_id', event.appointmentId)
    .text('ehr_appointment_id', event.ehrAppointmentId)
    .positive('appointment_revision', event.appointmentRevision)
    .positive('kind', event.kind)
    .positive('source', event.source)
    .present('responded_at', event.respondedAt);
  if (event.messageId !== '') issues.uuid('message_id', event.messageId);
  if (event.kind === ResponseKind.RESCHEDULED) {
    issues.text('slot_id', event.slotId).interval('new', event.newStart, event.newEnd);
  }
  return issues.issues;
}

/** An answer names the offer, the slot and the patient, and says yes or no. */
export function validatePatientAnsweredOffer(event: PatientAnsweredOfferV1): readonly string[] {
  const issues = new IssueCollector()
    .uuid('response_id', event.responseId)
    .uuid('offer_id', event.offerId)
    .uuid('slot_id', event.slotId)
    .text('patient_id', event.patientId)
    .positive('answer', event.answer)
    .positive('source', event.source)
    .present('responded_at', event.respondedAt);
  if (event.messageId !== '') issues.uuid('message_id', event.messageId);
  return issues.issues;
}

/**
 * An earlier-time request names the visit the patient keeps (its ids, type, provider, location
 * and start in its zone) and the patient, by id; the consent flags are a snapshot.
 */
export function validatePatientRequestedEarlierTime(
  event: PatientRequestedEarlierTimeV1,
): readonly string[] {
  const issues = new IssueCollector()
    .uuid('request_id', event.requestId)
    .uuid('appointment_id', event.appointmentId)
    .positive('appointment_revision', event.appointmentRevision)
    .uuid('patient_id', event.patientId)
    .text('appointment_type_code', event.appointmentTypeCode)
    .present('current_start', event.currentStart)
    .timeZone('time_zone', event.timeZone)
    .positive('source', event.source)
    .present('requested_at', event.requestedAt)
    .languageTag(
      'preferred_language',
      event.preferredLanguage === '' ? undefined : event.preferredLanguage,
    );
  if (event.messageId !== '') issues.uuid('message_id', event.messageId);
  return issues.issues;
}

export function validateWaitlistSlotOpened(event: WaitlistSlotOpenedV1): readonly string[] {
  return new IssueCollector()
    .uuid('slot_id', event.slotId)
    .uuid('freed_by_appointment_id', event.freedByAppointmentId)
    .interval('slot', event.start, event.end)
    .text('appointment_type_code', event.appointmentTypeCode)
    .text('provider_id', event.providerId)
    .text('location_id', event.locationId).issues;
}

export function validateWaitlistOfferMade(event: WaitlistOfferMadeV1): readonly string[] {
  return new IssueCollector()
    .uuid('offer_id', event.offerId)
    .uuid('slot_id', event.slotId)
    .uuid('entry_id', event.entryId)
    .text('patient_id', event.patientId)
    .positive('wave', event.wave)
    .positive('rank', event.rank)
    .interval('slot', event.slotStart, event.slotEnd)
    .present('hold_until', event.holdUntil).issues;
}

/**
 * A booking request names the acceptor, the freed EHR appointment and the time; the acceptor's
 * EHR patient id unless they keep a visit (that Appointment is moved and already names them).
 */
export function validateWaitlistBookingRequested(
  event: WaitlistBookingRequestedV1,
): readonly string[] {
  const issues = new IssueCollector()
    .uuid('slot_id', event.slotId)
    .uuid('offer_id', event.offerId)
    .uuid('entry_id', event.entryId)
    .uuid('patient_id', event.patientId)
    .uuid('freed_by_appointment_id', event.freedByAppointmentId)
    .text('freed_ehr_appointment_id', event.freedEhrAppointmentId)
    .interval('slot', event.start, event.end);
  if (event.keptEhrAppointmentId === '') issues.text('ehr_patient_id', event.ehrPatientId);
  return issues.issues;
}

export function validateWaitlistOfferResolved(event: WaitlistOfferResolvedV1): readonly string[] {
  return new IssueCollector()
    .uuid('offer_id', event.offerId)
    .uuid('slot_id', event.slotId)
    .uuid('entry_id', event.entryId)
    .text('patient_id', event.patientId)
    .positive('outcome', event.outcome).issues;
}

/** A filled slot names who takes it (the booking request); an escalation names its reason. */
export function validateWaitlistSlotClosed(event: WaitlistSlotClosedV1): readonly string[] {
  const issues = new IssueCollector()
    .uuid('slot_id', event.slotId)
    .positive('outcome', event.outcome)
    .interval('slot', event.start, event.end);
  if (event.outcome === SlotOutcome.FILLED) {
    issues
      .uuid('entry_id', event.entryId)
      .text('patient_id', event.patientId)
      .uuid('offer_id', event.offerId)
      .text('appointment_type_code', event.appointmentTypeCode)
      .text('provider_id', event.providerId)
      .text('location_id', event.locationId);
  }
  if (event.outcome === SlotOutcome.ESCALATED) {
    issues.positive('escalation_reason', event.escalationReason);
  }
  return issues.issues;
}

/** A reminder step names its appointment, revision, step and channel; a message id when it has one. */
export function validateReminderStep(
  step: ReminderStep | undefined,
  issues = new IssueCollector(),
): readonly string[] {
  if (!step) return issues.present('step', step).issues;
  issues
    .uuid('step.appointment_id', step.appointmentId)
    .positive('step.appointment_revision', step.appointmentRevision)
    .text('step.step_key', step.stepKey)
    .positive('step.channel', step.channel);
  if (step.messageId !== '') issues.uuid('step.message_id', step.messageId);
  if (step.patientId !== '') issues.uuid('step.patient_id', step.patientId);
  return issues.issues;
}

export function validateConsentChanged(event: ConsentChangedV1): readonly string[] {
  return new IssueCollector()
    .uuid('patient_id', event.patientId)
    .positive('channel', event.channel)
    .positive('state', event.state)
    .positive('source', event.source)
    .text('evidence_id', event.evidenceId)
    .present('changed_at', event.changedAt).issues;
}

export function validateStaffInboxItem(event: StaffInboxItemV1): readonly string[] {
  const issues = new IssueCollector()
    .uuid('item_id', event.itemId)
    .positive('kind', event.kind)
    .present('received_at', event.receivedAt);
  // An item points at what staff open: the stored reply, or the patient's response.
  if (event.inboundMessageId !== '' || event.responseId === '') {
    issues.uuid('inbound_message_id', event.inboundMessageId);
  }
  if (event.responseId !== '') issues.uuid('response_id', event.responseId);
  if (event.kind === StaffInboxItemKind.WRITE_BACK_FAILED) {
    if (event.responseId === '') issues.uuid('response_id', event.responseId);
    issues.code('write_back_failure', event.writeBackFailure);
  }
  if (event.appointmentId !== '') issues.uuid('appointment_id', event.appointmentId);
  if (event.patientId !== '') issues.uuid('patient_id', event.patientId);
  return issues.issues;
}

export function validatePhiAccess(event: PhiAccessedV1): readonly string[] {
  const issues = new IssueCollector()
    .present('accessor', event.accessor)
    .positive('action', event.action)
    .text('route', event.route)
    .text('resource_type', event.resourceType);
  if (event.accessor) issues.text('accessor.subject', event.accessor.subject);
  return issues.issues;
}

export function validateTreeHead(event: TreeHeadSignedV1): readonly string[] {
  const issues = new IssueCollector()
    .text('format', event.format)
    .text('tenant_id', event.tenantId)
    .present('timestamp', event.timestamp)
    .text('key_id', event.keyId)
    .bytes('root_hash', event.rootHash, 32)
    .bytes('signature', event.signature, 64);
  return issues.issues;
}

export function validateDispatchPlanPublished(
  event: DispatchPlanPublishedV1,
  issues = new IssueCollector(),
): readonly string[] {
  issues
    .uuid('plan_id', event.planId)
    .positive('version', event.version)
    .positive('kind', event.kind)
    .interval('horizon', event.horizonFrom, event.horizonUntil)
    .timeZone('time_zone', event.timeZone);
  if (event.version > 1 && !(event.previousVersion > 0 && event.previousVersion < event.version)) {
    issues.positive('previous_version', 0);
  }
  event.providerDays.forEach((day, i) => {
    issues.text(`provider_days[${i}].provider_id`, day.providerId);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day.day)) issues.text(`provider_days[${i}].day`, '');
  });
  event.assignments.forEach((assignment, i) => {
    issues
      .uuid(`assignments[${i}].appointment_id`, assignment.appointmentId)
      .text(`assignments[${i}].provider_id`, assignment.providerId)
      .interval(`assignments[${i}]`, assignment.start, assignment.end);
  });
  return issues.issues;
}

export function validatePatientRescheduleNeeded(
  event: PatientRescheduleNeededV1,
  issues = new IssueCollector(),
): readonly string[] {
  return issues
    .uuid('appointment_id', event.appointmentId)
    .present('appointment_start', event.appointmentStart)
    .positive('reason', event.reason)
    .uuid('plan_id', event.planId)
    .positive('plan_version', event.planVersion).issues;
}

/** Both itinerary outcomes share their identifying fields; ids only, never text or addresses. */
export function validateItineraryDelivery(
  event: ItineraryDeliveredV1 | ItineraryDeliveryFailedV1,
  issues = new IssueCollector(),
): readonly string[] {
  return issues
    .uuid('delivery_id', event.deliveryId)
    .uuid('plan_id', event.planId)
    .positive('plan_version', event.planVersion)
    .text('provider_id', event.providerId)
    .positive('channel', event.channel)
    .positive('attempts', event.attempts)
    .text('days', event.days.join('')).issues;
}

export function validateRosterImportRequested(event: RosterImportRequestedV1): readonly string[] {
  return new IssueCollector()
    .uuid('import_id', event.importId)
    .present('requested_at', event.requestedAt).issues;
}

/** The gateway needs every id to write: the appointment, the practitioner and the plan. */
export function validateAssignmentWriteBackRequested(
  event: AssignmentWriteBackRequestedV1,
): readonly string[] {
  return new IssueCollector()
    .uuid('request_id', event.requestId)
    .uuid('appointment_id', event.appointmentId)
    .text('ehr_appointment_id', event.ehrAppointmentId)
    .text('provider_id', event.providerId)
    .text('ehr_practitioner_id', event.ehrPractitionerId)
    .uuid('plan_id', event.planId)
    .positive('plan_version', event.planVersion).issues;
}

/** Every practitioner and role is named by its EHR id; codes carry a code. */
export function validateEhrRosterFetched(event: EhrRosterFetchedV1): readonly string[] {
  const issues = new IssueCollector()
    .uuid('import_id', event.importId)
    .text('source_system', event.sourceSystem)
    .present('observed_at', event.observedAt);
  event.practitioners.forEach((practitioner, index) => {
    const path = `practitioners[${index}]`;
    issues.text(`${path}.practitioner_id`, practitioner.practitionerId);
    practitioner.qualifications.forEach((coding, q) =>
      issues.text(`${path}.qualifications[${q}].code`, coding.code),
    );
    practitioner.roles.forEach((role, r) =>
      issues.text(`${path}.roles[${r}].role_id`, role.roleId),
    );
  });
  return issues.issues;
}

export function validateEhrRosterFetchFailed(event: EhrRosterFetchFailedV1): readonly string[] {
  return new IssueCollector()
    .uuid('import_id', event.importId)
    .positive('reason', event.reason)
    .present('failed_at', event.failedAt).issues;
}
