/**
 * Kafka topic names, `<domain>.<entity>.v<N>`, declared once for every producer and consumer.
 *
 * NEVER change a value: a topic name is part of the wire contract and of the offsets, ACLs
 * and retention configured on the broker. A breaking change is a NEW topic (`.v2`) added
 * beside the old one, with both produced until every consumer has moved.
 */
export const Topics = {
  EhrAppointmentV1: 'ehr.appointment.v1',
  SchedulingAppointmentV1: 'scheduling.appointment.v1',
  MessagingMessageV1: 'messaging.message.v1',
  DispatchPlanV1: 'dispatch.plan.v1',
  DispatchRescheduleV1: 'dispatch.reschedule.v1',
  DispatchItineraryV1: 'dispatch.itinerary.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly Topic[] = Object.values(Topics);

/** Dead-letter topic of `topic`; one per source topic so a replay knows where a message came from. */
export function dlqTopicOf<T extends string>(topic: T): `${T}.dlq` {
  return `${topic}.dlq`;
}
