import { PhiAccessedV1Schema } from './generated/caredispatch/audit/access/v1/access_pb';
import { TreeHeadSignedV1Schema } from './generated/caredispatch/audit/treehead/v1/tree_head_pb';
import { AssignmentWriteBackRequestedV1Schema } from './generated/caredispatch/dispatch/ehrassignment/v1/ehr_assignment_pb';
import {
  ItineraryDeliveredV1Schema,
  ItineraryDeliveryFailedV1Schema,
} from './generated/caredispatch/dispatch/itinerary/v1/itinerary_pb';
import { DispatchPlanPublishedV1Schema } from './generated/caredispatch/dispatch/plan/v1/plan_pb';
import { PatientRescheduleNeededV1Schema } from './generated/caredispatch/dispatch/reschedule/v1/reschedule_pb';
import { RosterImportRequestedV1Schema } from './generated/caredispatch/dispatch/rosterimport/v1/roster_import_pb';
import {
  EhrAppointmentBookedV1Schema,
  EhrAppointmentCancelledV1Schema,
  EhrAppointmentRescheduledV1Schema,
} from './generated/caredispatch/ehr/appointment/v1/appointment_pb';
import {
  EhrRosterFetchedV1Schema,
  EhrRosterFetchFailedV1Schema,
} from './generated/caredispatch/ehr/roster/v1/roster_pb';
import { EhrFreeSlotsV1Schema } from './generated/caredispatch/ehr/slot/v1/slot_pb';
import {
  WriteBackFailedV1Schema,
  WriteBackSucceededV1Schema,
} from './generated/caredispatch/ehr/writeback/v1/write_back_pb';
import { ConsentChangedV1Schema } from './generated/caredispatch/messaging/consent/v1/consent_pb';
import { StaffInboxItemV1Schema } from './generated/caredispatch/messaging/inbox/v1/inbox_pb';
import {
  MessageDeliveredV1Schema,
  MessageExpiredV1Schema,
  MessageFailedV1Schema,
  MessageQueuedV1Schema,
  MessageSentV1Schema,
  MessageWithdrawnV1Schema,
} from './generated/caredispatch/messaging/message/v1/message_pb';
import {
  ReminderPlannedV1Schema,
  ReminderSentV1Schema,
  ReminderSuppressedV1Schema,
  ReminderWithdrawnV1Schema,
} from './generated/caredispatch/messaging/reminder/v1/reminder_pb';
import {
  PatientAnsweredOfferV1Schema,
  PatientRequestedEarlierTimeV1Schema,
  PatientRespondedV1Schema,
} from './generated/caredispatch/messaging/response/v1/response_pb';
import {
  AppointmentBookedV1Schema,
  AppointmentCancelledV1Schema,
  AppointmentRescheduledV1Schema,
} from './generated/caredispatch/scheduling/appointment/v1/appointment_pb';
import {
  WaitlistBookingRequestedV1Schema,
  WaitlistOfferMadeV1Schema,
  WaitlistOfferResolvedV1Schema,
  WaitlistSlotClosedV1Schema,
  WaitlistSlotOpenedV1Schema,
} from './generated/caredispatch/waitlist/slot/v1/waitlist_pb';
import { type Topic, Topics } from './topics';
import {
  IssueCollector,
  validateDispatchPlanPublished,
  validatePatientRescheduleNeeded,
  validateItineraryDelivery,
  validateEhrAppointment,
  validateEhrFreeSlots,
  validateEhrRosterFetched,
  validateEhrRosterFetchFailed,
  validateRosterImportRequested,
  validateAssignmentWriteBackRequested,
  validateWriteBack,
  validateMessageEvent,
  validatePatientAnsweredOffer,
  validatePatientRequestedEarlierTime,
  validatePatientResponse,
  validateConsentChanged,
  validateReminderStep,
  validateStaffInboxItem,
  validatePhiAccess,
  validateScheduledAppointment,
  validateTreeHead,
  validateWaitlistBookingRequested,
  validateWaitlistOfferMade,
  validateWaitlistOfferResolved,
  validateWaitlistSlotClosed,
  validateWaitlistSlotOpened,
} from './validation';

import type { EventEnvelope } from './generated/caredispatch/events/v1/envelope_pb';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';

export interface EventDefinition<Desc extends DescMessage = DescMessage, T extends Topic = Topic> {
  readonly schema: Desc;
  /** Topic the event is published to by default. */
  readonly topic: T;
  /** Must equal the `V<N>` suffix of the event type; checked on decode. */
  readonly version: number;
  // Method syntax on purpose: bivariant parameters let every definition widen to EventDefinition.
  validate(payload: MessageShape<Desc>): readonly string[];
}

function defineEvent<Desc extends DescMessage, T extends Topic>(
  definition: EventDefinition<Desc, T>,
): EventDefinition<Desc, T> {
  return definition;
}

/**
 * Every event type CareDispatch knows, keyed by its `event_type` (the protobuf message name).
 * Consumers decode an envelope's payload with the schema found here; an unknown type is a
 * poison message. Adding an event = proto message + one entry here.
 */
export const eventRegistry = {
  EhrAppointmentBookedV1: defineEvent({
    schema: EhrAppointmentBookedV1Schema,
    topic: Topics.EhrAppointmentV1,
    version: 1,
    validate: (event) => validateEhrAppointment(event.appointment),
  }),
  EhrAppointmentRescheduledV1: defineEvent({
    schema: EhrAppointmentRescheduledV1Schema,
    topic: Topics.EhrAppointmentV1,
    version: 1,
    validate: (event) => validateEhrAppointment(event.appointment),
  }),
  EhrAppointmentCancelledV1: defineEvent({
    schema: EhrAppointmentCancelledV1Schema,
    topic: Topics.EhrAppointmentV1,
    version: 1,
    validate: (event) => validateEhrAppointment(event.appointment),
  }),
  EhrFreeSlotsV1: defineEvent({
    schema: EhrFreeSlotsV1Schema,
    topic: Topics.EhrSlotV1,
    version: 1,
    validate: (event) => validateEhrFreeSlots(event),
  }),
  WriteBackSucceededV1: defineEvent({
    schema: WriteBackSucceededV1Schema,
    topic: Topics.EhrWriteBackV1,
    version: 1,
    validate: (event) =>
      validateWriteBack(event, new IssueCollector().present('written_at', event.writtenAt)),
  }),
  WriteBackFailedV1: defineEvent({
    schema: WriteBackFailedV1Schema,
    topic: Topics.EhrWriteBackV1,
    version: 1,
    validate: (event) =>
      validateWriteBack(
        event,
        new IssueCollector().positive('reason', event.reason).present('failed_at', event.failedAt),
      ),
  }),
  AppointmentBookedV1: defineEvent({
    schema: AppointmentBookedV1Schema,
    topic: Topics.SchedulingAppointmentV1,
    version: 1,
    validate: (event) => validateScheduledAppointment(event.appointment),
  }),
  AppointmentRescheduledV1: defineEvent({
    schema: AppointmentRescheduledV1Schema,
    topic: Topics.SchedulingAppointmentV1,
    version: 1,
    validate: (event) =>
      validateScheduledAppointment(
        event.appointment,
        new IssueCollector().present('previous_start', event.previousStart),
      ),
  }),
  AppointmentCancelledV1: defineEvent({
    schema: AppointmentCancelledV1Schema,
    topic: Topics.SchedulingAppointmentV1,
    version: 1,
    validate: (event) => validateScheduledAppointment(event.appointment),
  }),
  MessageQueuedV1: defineEvent({
    schema: MessageQueuedV1Schema,
    topic: Topics.MessagingMessageV1,
    version: 1,
    validate: (event) => validateMessageEvent(event),
  }),
  MessageSentV1: defineEvent({
    schema: MessageSentV1Schema,
    topic: Topics.MessagingMessageV1,
    version: 1,
    validate: (event) =>
      validateMessageEvent(
        event,
        new IssueCollector().text('provider_message_id', event.providerMessageId),
      ),
  }),
  MessageDeliveredV1: defineEvent({
    schema: MessageDeliveredV1Schema,
    topic: Topics.MessagingMessageV1,
    version: 1,
    validate: (event) =>
      validateMessageEvent(
        event,
        new IssueCollector().text('provider_message_id', event.providerMessageId),
      ),
  }),
  MessageFailedV1: defineEvent({
    schema: MessageFailedV1Schema,
    topic: Topics.MessagingMessageV1,
    version: 1,
    validate: (event) => validateMessageEvent(event),
  }),
  MessageWithdrawnV1: defineEvent({
    schema: MessageWithdrawnV1Schema,
    topic: Topics.MessagingMessageV1,
    version: 1,
    validate: (event) =>
      validateMessageEvent(
        event,
        new IssueCollector()
          .positive('reason', event.reason)
          .positive('message_revision', event.messageRevision)
          .positive('appointment_revision', event.appointmentRevision),
      ),
  }),
  MessageExpiredV1: defineEvent({
    schema: MessageExpiredV1Schema,
    topic: Topics.MessagingMessageV1,
    version: 1,
    validate: (event) =>
      validateMessageEvent(
        event,
        new IssueCollector().present('appointment_start', event.appointmentStart),
      ),
  }),
  PhiAccessedV1: defineEvent({
    schema: PhiAccessedV1Schema,
    topic: Topics.AuditPhiAccessV1,
    version: 1,
    validate: (event) => validatePhiAccess(event),
  }),
  TreeHeadSignedV1: defineEvent({
    schema: TreeHeadSignedV1Schema,
    topic: Topics.AuditTreeHeadV1,
    version: 1,
    validate: (event) => validateTreeHead(event),
  }),
  DispatchPlanPublishedV1: defineEvent({
    schema: DispatchPlanPublishedV1Schema,
    topic: Topics.DispatchPlanV1,
    version: 1,
    validate: (event) => validateDispatchPlanPublished(event),
  }),
  PatientRespondedV1: defineEvent({
    schema: PatientRespondedV1Schema,
    topic: Topics.MessagingPatientResponseV1,
    version: 1,
    validate: (event) => validatePatientResponse(event),
  }),
  PatientAnsweredOfferV1: defineEvent({
    schema: PatientAnsweredOfferV1Schema,
    topic: Topics.MessagingPatientResponseV1,
    version: 1,
    validate: (event) => validatePatientAnsweredOffer(event),
  }),
  PatientRequestedEarlierTimeV1: defineEvent({
    schema: PatientRequestedEarlierTimeV1Schema,
    topic: Topics.MessagingPatientResponseV1,
    version: 1,
    validate: (event) => validatePatientRequestedEarlierTime(event),
  }),
  WaitlistSlotOpenedV1: defineEvent({
    schema: WaitlistSlotOpenedV1Schema,
    topic: Topics.WaitlistSlotV1,
    version: 1,
    validate: (event) => validateWaitlistSlotOpened(event),
  }),
  WaitlistOfferMadeV1: defineEvent({
    schema: WaitlistOfferMadeV1Schema,
    topic: Topics.WaitlistSlotV1,
    version: 1,
    validate: (event) => validateWaitlistOfferMade(event),
  }),
  WaitlistOfferResolvedV1: defineEvent({
    schema: WaitlistOfferResolvedV1Schema,
    topic: Topics.WaitlistSlotV1,
    version: 1,
    validate: (event) => validateWaitlistOfferResolved(event),
  }),
  WaitlistBookingRequestedV1: defineEvent({
    schema: WaitlistBookingRequestedV1Schema,
    topic: Topics.WaitlistSlotV1,
    version: 1,
    validate: (event) => validateWaitlistBookingRequested(event),
  }),
  WaitlistSlotClosedV1: defineEvent({
    schema: WaitlistSlotClosedV1Schema,
    topic: Topics.WaitlistSlotV1,
    version: 1,
    validate: (event) => validateWaitlistSlotClosed(event),
  }),
  ReminderPlannedV1: defineEvent({
    schema: ReminderPlannedV1Schema,
    topic: Topics.MessagingReminderV1,
    version: 1,
    validate: (event) =>
      validateReminderStep(event.step, new IssueCollector().present('due_at', event.dueAt)),
  }),
  ReminderSentV1: defineEvent({
    schema: ReminderSentV1Schema,
    topic: Topics.MessagingReminderV1,
    version: 1,
    validate: (event) =>
      validateReminderStep(event.step, new IssueCollector().present('sent_at', event.sentAt)),
  }),
  ReminderWithdrawnV1: defineEvent({
    schema: ReminderWithdrawnV1Schema,
    topic: Topics.MessagingReminderV1,
    version: 1,
    validate: (event) =>
      validateReminderStep(event.step, new IssueCollector().positive('reason', event.reason)),
  }),
  ReminderSuppressedV1: defineEvent({
    schema: ReminderSuppressedV1Schema,
    topic: Topics.MessagingReminderV1,
    version: 1,
    validate: (event) =>
      validateReminderStep(event.step, new IssueCollector().positive('reason', event.reason)),
  }),
  ConsentChangedV1: defineEvent({
    schema: ConsentChangedV1Schema,
    topic: Topics.MessagingConsentV1,
    version: 1,
    validate: (event) => validateConsentChanged(event),
  }),
  StaffInboxItemV1: defineEvent({
    schema: StaffInboxItemV1Schema,
    topic: Topics.MessagingStaffInboxV1,
    version: 1,
    validate: (event) => validateStaffInboxItem(event),
  }),
  PatientRescheduleNeededV1: defineEvent({
    schema: PatientRescheduleNeededV1Schema,
    topic: Topics.DispatchRescheduleV1,
    version: 1,
    validate: (event) => validatePatientRescheduleNeeded(event),
  }),
  ItineraryDeliveredV1: defineEvent({
    schema: ItineraryDeliveredV1Schema,
    topic: Topics.DispatchItineraryV1,
    version: 1,
    validate: (event) => validateItineraryDelivery(event),
  }),
  ItineraryDeliveryFailedV1: defineEvent({
    schema: ItineraryDeliveryFailedV1Schema,
    topic: Topics.DispatchItineraryV1,
    version: 1,
    validate: (event) =>
      validateItineraryDelivery(event, new IssueCollector().text('error_code', event.errorCode)),
  }),
  RosterImportRequestedV1: defineEvent({
    schema: RosterImportRequestedV1Schema,
    topic: Topics.DispatchRosterImportV1,
    version: 1,
    validate: (event) => validateRosterImportRequested(event),
  }),
  AssignmentWriteBackRequestedV1: defineEvent({
    schema: AssignmentWriteBackRequestedV1Schema,
    topic: Topics.DispatchEhrAssignmentV1,
    version: 1,
    validate: (event) => validateAssignmentWriteBackRequested(event),
  }),
  EhrRosterFetchedV1: defineEvent({
    schema: EhrRosterFetchedV1Schema,
    topic: Topics.EhrRosterV1,
    version: 1,
    validate: (event) => validateEhrRosterFetched(event),
  }),
  EhrRosterFetchFailedV1: defineEvent({
    schema: EhrRosterFetchFailedV1Schema,
    topic: Topics.EhrRosterV1,
    version: 1,
    validate: (event) => validateEhrRosterFetchFailed(event),
  }),
} as const;

type Registry = typeof eventRegistry;

export type EventType = keyof Registry;
export type EventSchema<T extends EventType> = Registry[T]['schema'];
/** The decoded, typed payload of an event type, e.g. `EventPayload<'AppointmentBookedV1'>`. */
export type EventPayload<T extends EventType> = MessageShape<EventSchema<T>>;
/** What a producer passes to build a payload (plain object or a created message). */
export type EventPayloadInit<T extends EventType> = MessageInitShape<EventSchema<T>>;
export type TopicOf<T extends EventType> = Registry[T]['topic'];
/** The event types published to `T`, e.g. `EventTypesOf<'scheduling.appointment.v1'>`. */
export type EventTypesOf<T extends Topic> = {
  [K in EventType]: TopicOf<K> extends T ? K : never;
}[EventType];

/**
 * A validated event: `type` discriminates `payload`, so a `switch (event.type)` narrows it.
 * `DecodedEvent` (no argument) is the union over every known event type.
 */
export type DecodedEvent<T extends EventType = EventType> = {
  [K in T]: {
    readonly type: K;
    readonly payload: EventPayload<K>;
    readonly envelope: EventEnvelope;
  };
}[T];

export const EVENT_TYPES: readonly EventType[] = Object.keys(eventRegistry) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventRegistry, value);
}

/** The definition widened to the common shape, for code that works on any event type. */
export function eventDefinitionOf(type: EventType): EventDefinition {
  return eventRegistry[type];
}
