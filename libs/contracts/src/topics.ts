/**
 * Kafka topic names, `<domain>.<entity>.v<N>`, declared once for every producer and consumer.
 *
 * NEVER change a value: a topic name is part of the wire contract and of the offsets, ACLs
 * and retention configured on the broker. A breaking change is a NEW topic (`.v2`) added
 * beside the old one, with both produced until every consumer has moved.
 */
export const Topics = {
  EhrAppointmentV1: 'ehr.appointment.v1',
  /** Snapshots of an EHR Schedule's free FHIR Slots (ids and times only), from ehr-gateway. */
  EhrSlotV1: 'ehr.slot.v1',
  /** Outcomes of writing patient responses back to the EHR (ids only), from ehr-gateway. */
  EhrWriteBackV1: 'ehr.write-back.v1',
  /** The EHR's practitioners and their roles (provider data only), answering a roster import. */
  EhrRosterV1: 'ehr.roster.v1',
  SchedulingAppointmentV1: 'scheduling.appointment.v1',
  MessagingMessageV1: 'messaging.message.v1',
  /** A patient's answer (SMS reply or link page): confirmed, cancelled, reschedule wanted/chosen. */
  MessagingPatientResponseV1: 'messaging.patient-response.v1',
  /** Each reminder step's fate: planned, sent, withdrawn, suppressed (with the reason). */
  MessagingReminderV1: 'messaging.reminder.v1',
  /** A patient's consent to a channel changed (STOP, START, Twilio 21610, EHR, staff). */
  MessagingConsentV1: 'messaging.consent.v1',
  /** A patient reply that needs a person (reschedule request, unrecognized text). */
  MessagingStaffInboxV1: 'messaging.staff-inbox.v1',
  /** Who read which PHI, from every read API (and audit-log's compliance queries). */
  AuditPhiAccessV1: 'audit.phi-access.v1',
  /** Signed tree heads of the audit log, anchored outside its database; kept forever. */
  AuditTreeHeadV1: 'audit.tree-head.v1',
  /** Every step of filling a freed slot from the waitlist, keyed by the slot. */
  WaitlistSlotV1: 'waitlist.slot.v1',
  DispatchPlanV1: 'dispatch.plan.v1',
  DispatchRescheduleV1: 'dispatch.reschedule.v1',
  DispatchItineraryV1: 'dispatch.itinerary.v1',
  /** A practice admin asked dispatch to import its roster from the EHR (ids only). */
  DispatchRosterImportV1: 'dispatch.roster-import.v1',
  /** A plan moved a visit to another provider: ehr-gateway writes the practitioner back (ids only). */
  DispatchEhrAssignmentV1: 'dispatch.ehr-assignment.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly Topic[] = Object.values(Topics);

/**
 * What audit-log chains: every topic but its own tree heads (recording a head would grow the
 * tree it describes, so an idle log would never stop producing new heads).
 */
export const AUDITED_TOPICS: readonly Topic[] = ALL_TOPICS.filter(
  (topic) => topic !== Topics.AuditTreeHeadV1,
);

/**
 * Broker settings a topic needs beyond the defaults, applied when it is created. Tree heads
 * are evidence for the whole retention of the audit log (≥ 6 years): never deleted by age.
 */
export const TOPIC_CONFIG: Readonly<Partial<Record<Topic, Readonly<Record<string, string>>>>> = {
  [Topics.AuditTreeHeadV1]: { 'retention.ms': '-1', 'retention.bytes': '-1' },
};

/** Dead-letter topic of `topic`; one per source topic so a replay knows where a message came from. */
export function dlqTopicOf<T extends string>(topic: T): `${T}.dlq` {
  return `${topic}.dlq`;
}
