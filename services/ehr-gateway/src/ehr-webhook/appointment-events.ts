import { type NewEvent, timestampFromDate } from '@caredispatch/contracts';

import { type AppointmentChange } from './classification/classify-appointment-change';
import { type NormalizedAppointment, sequencedAppointment } from './fhir/normalize-appointment';

export type EhrAppointmentEvent =
  | NewEvent<'EhrAppointmentBookedV1'>
  | NewEvent<'EhrAppointmentRescheduledV1'>
  | NewEvent<'EhrAppointmentCancelledV1'>;

export interface EventContext {
  readonly tenantId: string;
  /** Root of the causal chain: one per accepted delivery. */
  readonly correlationId: string;
  /**
   * Set only for the echo of our own write-back: the PatientRespondedV1 event that caused
   * the change (with its correlation id above), so consumers can tell it from a staff change.
   */
  readonly causationId?: string;
}

/** Kafka key and aggregate id: tenant and EHR ids only, never PHI. */
export function appointmentAggregateId(tenantId: string, ehrAppointmentId: string): string {
  return `${tenantId}:${ehrAppointmentId}`;
}

/**
 * The `ehr.appointment.v1` event for a classified change recorded at `sequence`; undefined
 * when nothing is published.
 */
export function appointmentEventFor(
  change: AppointmentChange,
  normalized: NormalizedAppointment,
  sequence: number,
  context: EventContext,
): EhrAppointmentEvent | undefined {
  const base = {
    tenantId: context.tenantId,
    aggregateId: appointmentAggregateId(context.tenantId, normalized.ehrAppointmentId),
    correlationId: context.correlationId,
    // An EHR webhook starts the chain unless it echoes our own write-back.
    causationId: context.causationId ?? '',
  };
  const appointment = sequencedAppointment(normalized, sequence);
  switch (change.kind) {
    case 'booked':
      return { ...base, type: 'EhrAppointmentBookedV1', payload: { appointment } };
    case 'rescheduled':
      return {
        ...base,
        type: 'EhrAppointmentRescheduledV1',
        payload: {
          appointment,
          previousStart: timestampFromDate(change.previousStart),
          previousEnd: timestampFromDate(change.previousEnd),
        },
      };
    case 'cancelled':
      return {
        ...base,
        type: 'EhrAppointmentCancelledV1',
        payload: { appointment, cancellationReasonCode: normalized.cancellationReasonCode },
      };
    case 'duplicate':
    case 'ignored':
      return undefined;
  }
}
