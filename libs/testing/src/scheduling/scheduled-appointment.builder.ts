import { randomUUID } from 'node:crypto';

import {
  create,
  type ScheduledAppointment,
  ScheduledAppointmentSchema,
  timestampFromDate,
} from '@caredispatch/contracts';

export interface AppointmentSpec {
  appointmentId?: string;
  revision?: number;
  start?: Date;
  timeZone?: string;
  practiceName?: string;
  phoneE164?: string;
  smsConsent?: boolean;
  providerName?: string;
  locationName?: string;
  givenName?: string;
  familyName?: string;
  /** scheduling's patient uuid; random unless one patient books several visits. */
  patientId?: string;
  /** Defaults to one nobody defines a rule for (`general`). */
  appointmentTypeCode?: string;
  locationId?: string;
  /** The EHR's location id (empty unless given, as in events from before it was carried). */
  ehrLocationId?: string;
  /** The EHR's practitioner id (empty unless given, as in events from before it was carried). */
  ehrPractitionerId?: string;
  /** One line per entry; city etc. left empty. */
  addressLines?: string[];
  durationMinutes?: number;
  /** The patient's email address; absent by default. */
  email?: string;
  /** The patient's preferred language (BCP-47, e.g. "es"); absent (unknown) by default. */
  preferredLanguage?: string;
}

/** A valid `ScheduledAppointment` (as scheduling publishes it) with every PHI-bearing field filled. */
export function aScheduledAppointment(spec: AppointmentSpec = {}): ScheduledAppointment {
  // Far enough ahead that the confirmation never expires (see CONFIRMATION_MIN_LEAD_MS).
  const start = spec.start ?? new Date('2030-03-12T13:30:00Z');
  return create(ScheduledAppointmentSchema, {
    appointmentId: spec.appointmentId ?? randomUUID(),
    ehrAppointmentId: `ehr-${randomUUID()}`,
    ehrVersion: '1',
    revision: spec.revision ?? 1,
    start: timestampFromDate(start),
    end: timestampFromDate(new Date(start.getTime() + (spec.durationMinutes ?? 30) * 60_000)),
    location: {
      locationId: spec.locationId ?? randomUUID(),
      name: spec.locationName ?? 'Oncology Wing',
      timeZone: spec.timeZone ?? 'America/New_York',
      address: spec.addressLines
        ? { lines: spec.addressLines, city: '', state: '', postalCode: '', country: '' }
        : undefined,
      ehrLocationId: spec.ehrLocationId ?? '',
    },
    practiceName: spec.practiceName ?? 'Acme Family Practice',
    patient: {
      patientId: spec.patientId ?? randomUUID(),
      givenName: spec.givenName ?? 'Jane',
      phoneE164: spec.phoneE164 ?? '+15005550006',
      smsConsent: spec.smsConsent ?? true,
      familyName: spec.familyName ?? 'Doe',
      ...(spec.email === undefined ? {} : { email: spec.email }),
      ...(spec.preferredLanguage === undefined
        ? {}
        : { preferredLanguage: spec.preferredLanguage }),
    },
    appointmentTypeCode: spec.appointmentTypeCode ?? 'general',
    provider: {
      providerId: randomUUID(),
      displayName: spec.providerName ?? 'Dr. Gregory House',
      ehrPractitionerId: spec.ehrPractitionerId ?? '',
    },
  });
}
