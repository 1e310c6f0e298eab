import {
  create,
  type ScheduledAppointment,
  ScheduledAppointmentSchema,
  timestampFromDate,
} from '@caredispatch/contracts';

import { type DirectoryRefs } from '../directory/directory.repository';

import { type AppointmentEntity } from './appointment.entity';

/** The event view of an appointment: scheduling ids, UTC instants, only the PHI messaging needs. */
export function toScheduledAppointment(
  appointment: AppointmentEntity,
  refs: DirectoryRefs,
): ScheduledAppointment {
  return create(ScheduledAppointmentSchema, {
    appointmentId: appointment.id,
    ehrAppointmentId: appointment.ehrAppointmentId,
    ehrVersion: appointment.ehrVersion,
    revision: appointment.revision,
    start: timestampFromDate(appointment.startAt),
    end: timestampFromDate(appointment.endAt),
    location: {
      locationId: refs.location.id,
      name: refs.location.name,
      timeZone: refs.location.timeZone,
      address: refs.location.address ?? undefined,
      ehrLocationId: refs.location.ehrLocationId,
    },
    practiceName: appointment.practiceName,
    appointmentTypeCode: appointment.appointmentTypeCode,
    patient: {
      patientId: refs.patient.id,
      givenName: refs.patient.givenName,
      phoneE164: refs.patient.phoneE164,
      smsConsent: refs.patient.smsConsent,
      familyName: refs.patient.familyName,
      ...(refs.patient.email ? { email: refs.patient.email } : {}),
      ...(refs.patient.preferredLanguage
        ? { preferredLanguage: refs.patient.preferredLanguage }
        : {}),
    },
    provider: refs.provider
      ? {
          providerId: refs.provider.id,
          displayName: refs.provider.displayName,
          ehrPractitionerId: refs.provider.ehrPractitionerId,
        }
      : undefined,
  });
}
