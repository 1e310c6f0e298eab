import { type EhrAppointment } from '@caredispatch/contracts';

import { EhrWebhookErrorCode, ehrWebhookError } from '../ehr-webhook.errors';

/** Longest patient/provider/location identity we key on (FHIR ids are 64; MRNs vary). */
const MAX_ID = 128;
const MAX_NAME = 200;
const MAX_CODE = 64;
// FHIR `code`: no leading/trailing whitespace, single spaces only.
const FHIR_CODE = /^[^\s]+( [^\s]+)*$/;
// An identity becomes a unique key downstream: visible characters, no whitespace runs.
const IDENTITY = /^[^\s]+( [^\s]+)*$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
// BCP-47 shape (patient-language.ts canonicalizes it; RFC 5646 §4.4.1 caps it at 35).
const LANGUAGE_TAG = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

export function isFhirCode(value: string): boolean {
  return value.length <= MAX_CODE && FHIR_CODE.test(value);
}

interface Rule {
  readonly path: string;
  readonly value: string | undefined;
  readonly max: number;
  readonly format?: RegExp;
}

/**
 * Sizes and formats of everything the gateway publishes, checked once on the normalized
 * contract message: whatever passes fits every consumer's columns and rules, so an accepted
 * delivery can never be dead-lettered downstream for its shape. Paths are contract field
 * paths (`appointment.patient.family_name`); values are never echoed.
 */
export function assertPublishableAppointment(appointment: EhrAppointment): void {
  const { patient, practitioner, location } = appointment;
  const address = location?.address;
  const rules: Rule[] = [
    { path: 'appointment.source_system', value: appointment.sourceSystem, max: 256 },
    { path: 'appointment.status', value: appointment.status, max: MAX_CODE, format: FHIR_CODE },
    {
      path: 'appointment.appointment_type_code',
      value: appointment.appointmentTypeCode || undefined,
      max: MAX_CODE,
      format: FHIR_CODE,
    },
    {
      path: 'appointment.appointment_type_display',
      value: appointment.appointmentTypeDisplay,
      max: MAX_NAME,
    },
    { path: 'appointment.practice_name', value: appointment.practiceName, max: MAX_NAME },
    {
      path: 'appointment.patient.ehr_patient_id',
      value: patient?.ehrPatientId,
      max: MAX_ID,
      format: IDENTITY,
    },
    { path: 'appointment.patient.given_name', value: patient?.givenName, max: MAX_NAME },
    { path: 'appointment.patient.family_name', value: patient?.familyName, max: MAX_NAME },
    { path: 'appointment.patient.email', value: patient?.email, max: 254, format: EMAIL },
    {
      path: 'appointment.patient.preferred_language',
      value: patient?.preferredLanguage,
      max: 35,
      format: LANGUAGE_TAG,
    },
    {
      path: 'appointment.practitioner.ehr_practitioner_id',
      value: practitioner?.ehrPractitionerId || undefined,
      max: MAX_ID,
      format: IDENTITY,
    },
    { path: 'appointment.practitioner.name', value: practitioner?.name, max: MAX_NAME },
    {
      path: 'appointment.practitioner.credentials',
      value: practitioner?.credentials,
      max: MAX_NAME,
    },
    {
      path: 'appointment.location.ehr_location_id',
      value: location?.ehrLocationId || undefined,
      max: MAX_ID,
      format: IDENTITY,
    },
    { path: 'appointment.location.name', value: location?.name, max: MAX_NAME },
    { path: 'appointment.location.address.city', value: address?.city, max: 100 },
    { path: 'appointment.location.address.state', value: address?.state, max: 100 },
    { path: 'appointment.location.address.postal_code', value: address?.postalCode, max: 20 },
    { path: 'appointment.location.address.country', value: address?.country, max: 100 },
    ...(address?.lines ?? []).map((line, index) => ({
      path: `appointment.location.address.lines[${index}]`,
      value: line,
      max: MAX_NAME,
    })),
  ];
  if ((address?.lines.length ?? 0) > 10) {
    throw publishError('appointment.location.address.lines', 'at most 10 address lines');
  }
  for (const rule of rules) {
    if (rule.value === undefined) continue;
    if (rule.value.length > rule.max) {
      throw publishError(rule.path, `at most ${rule.max} characters`, true);
    }
    if (rule.format && !rule.format.test(rule.value)) {
      throw publishError(rule.path, 'not in the expected format');
    }
  }
}

function publishError(path: string, expectation: string, tooLong = false) {
  return ehrWebhookError(
    tooLong ? EhrWebhookErrorCode.FieldTooLong : EhrWebhookErrorCode.InvalidFieldFormat,
    `${path}: ${expectation}`,
    { path },
  );
}
