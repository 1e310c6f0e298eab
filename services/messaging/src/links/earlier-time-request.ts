import { type NewEvent, ResponseSource, timestampFromDate } from '@caredispatch/contracts';

import { type AppointmentView } from './patient-link.repository';

/**
 * "Ask for an earlier time" as the waitlist hears it (PatientRequestedEarlierTimeV1 on
 * messaging.patient-response.v1, keyed by the appointment): the visit the patient keeps — its
 * ids, type, provider, location, start and zone — the patient by id, their language and a
 * consent snapshot. Minimum necessary: no name, number, address or provider name.
 */
export function earlierTimeRequestedEvent(input: {
  readonly requestId: string;
  readonly appointment: AppointmentView;
  readonly patientId: string;
  readonly smsConsent: boolean;
  readonly emailConsent: boolean;
  readonly messageId: string | null;
  readonly correlationId: string;
  readonly now: Date;
}): NewEvent<'PatientRequestedEarlierTimeV1'> {
  const { appointment } = input;
  return {
    type: 'PatientRequestedEarlierTimeV1',
    tenantId: appointment.tenantId,
    aggregateId: appointment.appointmentId,
    correlationId: input.correlationId,
    payload: {
      requestId: input.requestId,
      appointmentId: appointment.appointmentId,
      ehrAppointmentId: appointment.ehrAppointmentId,
      appointmentRevision: appointment.revision,
      patientId: input.patientId,
      appointmentTypeCode: appointment.appointmentTypeCode,
      providerId: appointment.providerId,
      locationId: appointment.locationId,
      currentStart: timestampFromDate(appointment.start),
      timeZone: appointment.timeZone,
      preferredLanguage: appointment.patientLanguage ?? '',
      smsConsent: input.smsConsent,
      emailConsent: input.emailConsent,
      source: ResponseSource.LINK_PAGE,
      requestedAt: timestampFromDate(input.now),
      messageId: input.messageId ?? '',
    },
  };
}
