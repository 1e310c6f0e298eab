import { createHash } from 'node:crypto';

import { type CountryCode } from 'libphonenumber-js';

import {
  create,
  type EhrAppointment,
  EhrAppointmentSchema,
  type EhrLocation,
  EhrLocationSchema,
  type EhrPatient,
  EhrPatientSchema,
  type EhrPractitioner,
  EhrPractitionerSchema,
  timestampFromDate,
  toBinary,
} from '@caredispatch/contracts';

import { assertCleanFhirJson } from '../edge/fhir-text';
import { assertPublishableAppointment, isFhirCode } from '../edge/publishable-appointment';
import { EhrWebhookErrorCode, invalidFhir } from '../ehr-webhook.errors';

import { isIanaTimeZone, parseAppointmentInstant } from './fhir-date-time';
import { FhirAppointmentDocument, parseTypeAndId } from './fhir-document';
import {
  extensionAt,
  firstCodingAt,
  type Located,
  numberAt,
  objectAt,
  objectsAt,
  stringAt,
  stringsAt,
} from './fhir-json';
import { readPreferredLanguage } from './patient-language';
import { toE164 } from './phone-number';

/** HL7 core extension carrying a resource's IANA time zone as `valueCode`. */
export const TIME_ZONE_EXTENSION_URL = 'http://hl7.org/fhir/StructureDefinition/timezone';

/**
 * CareDispatch extension on Patient: `valueBoolean: true` means the patient declined
 * appointment texts. Without it consent is assumed (the practice collected the number for
 * this purpose); FHIR R4 has no core element for SMS consent short of a Consent resource.
 */
export const SMS_OPT_OUT_EXTENSION_URL =
  'https://caredispatch.dev/fhir/StructureDefinition/sms-opt-out';

// FHIR `id` datatype; the appointment id becomes part of Kafka keys and primary keys.
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Longest appointment accepted: a week covers multi-day programs; anything longer is a
 * data-entry error (and a far-off end would overflow the dates and durations downstream).
 */
export const MAX_APPOINTMENT_MINUTES = 7 * 24 * 60;

/** Used when the EHR sends no `meta.source`. */
export const DEFAULT_SOURCE_SYSTEM = 'fhir-r4';

/** What the gateway does with an Appointment in a given FHIR status. */
export type AppointmentLifecycle = 'active' | 'cancelled' | 'untracked';

// Every R4 Appointment.status value. Only "booked" and the two ways an appointment stops
// existing matter to patients; the rest (proposals, waitlist, day-of-visit progress) are
// acknowledged but produce no event.
const LIFECYCLE_BY_STATUS: ReadonlyMap<string, AppointmentLifecycle> = new Map([
  ['booked', 'active'],
  ['cancelled', 'cancelled'],
  ['entered-in-error', 'cancelled'],
  ['proposed', 'untracked'],
  ['pending', 'untracked'],
  ['waitlist', 'untracked'],
  ['arrived', 'untracked'],
  ['checked-in', 'untracked'],
  ['fulfilled', 'untracked'],
  ['noshow', 'untracked'],
]);

export interface NormalizeOptions {
  readonly defaultPhoneRegion: CountryCode;
  /** For locations without a time zone extension; undefined = such locations are refused. */
  readonly defaultTimeZone: string | undefined;
  /** The tenant's configured display name; wins over the EHR's Organization name. */
  readonly configuredPracticeName: string | undefined;
}

export interface NormalizedAppointment {
  readonly ehrAppointmentId: string;
  /** The EHR's `meta.versionId`, when it sends one. */
  readonly versionId: string | undefined;
  /**
   * `sha256:<hex>` of the normalized content: recognises a redelivery of unchanged content.
   * Never a version: equal content can come back after a change (booked → cancelled → booked).
   */
  readonly contentHash: string;
  readonly lifecycle: AppointmentLifecycle;
  readonly start: Date;
  readonly end: Date;
  /** `meta.lastUpdated`, used to spot deliveries that arrive out of order. */
  readonly sourceUpdatedAt: Date | undefined;
  readonly cancellationReasonCode: string;
  /**
   * The contract message without `ehrVersion` and `sequence`: those are assigned when the
   * change is recorded (see `sequencedAppointment`).
   */
  readonly appointment: EhrAppointment;
}

/**
 * Turns a FHIR R4 Appointment (bare with contained participants, or in a Bundle) into the
 * `ehr.appointment.v1` payload: ids, UTC instants, E.164 phone, IANA zone. Throws a 422
 * DomainError naming the FHIR path of the first problem. Pure: no I/O, no clock.
 */
export function normalizeFhirAppointment(
  body: unknown,
  options: NormalizeOptions,
): NormalizedAppointment {
  assertCleanFhirJson(body);
  const document = FhirAppointmentDocument.from(body);
  const resource = document.appointment;

  const ehrAppointmentId = stringAt(resource.value, 'id');
  if (!ehrAppointmentId || !FHIR_ID.test(ehrAppointmentId)) {
    throw invalidFhir(
      EhrWebhookErrorCode.InvalidAppointmentId,
      'Appointment.id is required and must be a FHIR id (1-64 characters of A-Z a-z 0-9 - .)',
      `${resource.path}.id`,
    );
  }
  const status = readStatus(resource);
  const participants = resolveParticipants(document);
  if (!participants.patient) {
    throw invalidFhir(
      EhrWebhookErrorCode.MissingPatient,
      'Appointment has no participant whose actor is a Patient',
      `${resource.path}.participant`,
    );
  }
  if (!participants.location) {
    throw invalidFhir(
      EhrWebhookErrorCode.MissingLocation,
      'Appointment has no participant whose actor is a Location',
      `${resource.path}.participant`,
    );
  }
  const location = readLocation(participants.location, options.defaultTimeZone);
  const { start, end } = readInterval(resource, location.timeZone);
  const patient = readPatient(participants.patient, options.defaultPhoneRegion);
  const practitioner = participants.practitioner && readPractitioner(participants.practitioner);
  const appointmentType = firstCodingAt(resource, 'appointmentType');
  const meta = objectAt(resource, 'meta');

  const appointment = create(EhrAppointmentSchema, {
    ehrAppointmentId,
    sourceSystem: (meta && stringAt(meta.value, 'source')) ?? DEFAULT_SOURCE_SYSTEM,
    status: status.code,
    start: timestampFromDate(start),
    end: timestampFromDate(end),
    durationMinutes: Math.round((end.getTime() - start.getTime()) / 60_000),
    appointmentTypeCode: (appointmentType && stringAt(appointmentType, 'code')) ?? '',
    appointmentTypeDisplay: (appointmentType && stringAt(appointmentType, 'display')) ?? '',
    patient,
    practitioner,
    location,
    practiceName:
      options.configuredPracticeName ?? readOrganizationName(document, participants.location) ?? '',
  });
  assertPublishableAppointment(appointment);
  const cancellationReason = firstCodingAt(resource, 'cancelationReason');
  const cancellationReasonCode =
    status.lifecycle === 'cancelled'
      ? ((cancellationReason && stringAt(cancellationReason, 'code')) ?? status.code)
      : '';
  if (cancellationReasonCode !== '' && !isFhirCode(cancellationReasonCode)) {
    throw invalidFhir(
      EhrWebhookErrorCode.InvalidFieldFormat,
      'Appointment.cancelationReason code must be a FHIR code of at most 64 characters',
      `${resource.path}.cancelationReason`,
    );
  }
  return {
    ehrAppointmentId,
    versionId: meta && readVersionId(meta),
    contentHash: contentHash(appointment, cancellationReasonCode),
    lifecycle: status.lifecycle,
    start,
    end,
    sourceUpdatedAt: meta && readLastUpdated(meta),
    cancellationReasonCode,
    appointment,
  };
}

function readStatus(resource: Located): { code: string; lifecycle: AppointmentLifecycle } {
  const code = stringAt(resource.value, 'status');
  // A Map, not an object: `toString` or `__proto__` must not pass as a status.
  const lifecycle = code === undefined ? undefined : LIFECYCLE_BY_STATUS.get(code);
  if (code === undefined || lifecycle === undefined) {
    throw invalidFhir(
      EhrWebhookErrorCode.InvalidAppointmentStatus,
      `Appointment.status must be one of: ${[...LIFECYCLE_BY_STATUS.keys()].join(', ')}`,
      `${resource.path}.status`,
    );
  }
  return { code, lifecycle };
}

interface Participants {
  patient?: Located;
  practitioner?: Located;
  location?: Located;
}

const PARTICIPANT_TYPES = ['Patient', 'Practitioner', 'Location'] as const;
type ParticipantType = (typeof PARTICIPANT_TYPES)[number];

function isParticipantType(value: unknown): value is ParticipantType {
  return PARTICIPANT_TYPES.some((type) => type === value);
}

/** The first Patient, Practitioner and Location among the participants' actors. */
function resolveParticipants(document: FhirAppointmentDocument): Participants {
  const found: Participants = {};
  for (const participant of objectsAt(document.appointment, 'participant')) {
    const actor = objectAt(participant, 'actor');
    const reference = actor && stringAt(actor.value, 'reference');
    if (!actor || !reference) continue;
    const resolved = document.resolve(reference);
    if (!resolved) {
      // A dangling reference to something we need is the sender's bug; to anything else
      // (RelatedPerson, Device, ...) it is none of our business.
      if (reference.startsWith('#') || isParticipantType(parseTypeAndId(reference)?.type)) {
        throw invalidFhir(
          EhrWebhookErrorCode.UnresolvedReference,
          'Participant reference does not resolve to a contained resource or Bundle entry',
          `${actor.path}.reference`,
        );
      }
      continue;
    }
    const type = resolved.value.resourceType;
    if (type === 'Patient') found.patient ??= resolved;
    else if (type === 'Practitioner') found.practitioner ??= resolved;
    else if (type === 'Location') found.location ??= resolved;
  }
  return found;
}

/**
 * The id downstream services key on. A contained resource's `id` is only local to this one
 * Appointment, so its first business identifier (e.g. the MRN) is preferred; a Bundle
 * entry's `id` is the EHR's logical id and is used as is.
 */
function resourceIdentity(resource: Located): string {
  const contained = resource.path.includes('.contained[');
  const identifier = objectsAt(resource, 'identifier')
    .map((entry) => stringAt(entry.value, 'value'))
    .find((value) => value !== undefined);
  const id = stringAt(resource.value, 'id');
  return (contained ? (identifier ?? id) : (id ?? identifier)) ?? '';
}

function readPatient(patient: Located, defaultRegion: CountryCode): EhrPatient {
  const ehrPatientId = resourceIdentity(patient);
  if (ehrPatientId === '') {
    throw invalidFhir(
      EhrWebhookErrorCode.MissingPatient,
      'Patient has neither an id nor an identifier',
      `${patient.path}.id`,
    );
  }
  const name = preferredName(patient);
  const optOut = extensionAt(patient, SMS_OPT_OUT_EXTENSION_URL);
  return create(EhrPatientSchema, {
    ehrPatientId,
    givenName: name ? stringsAt(name, 'given').join(' ') : '',
    familyName: (name && stringAt(name, 'family')) ?? '',
    phoneE164: readSmsPhone(patient, defaultRegion),
    email: objectsAt(patient, 'telecom')
      .filter((telecom) => telecom.value.system === 'email')
      .map((telecom) => stringAt(telecom.value, 'value'))
      .find((value) => value !== undefined),
    smsConsent: optOut?.value.valueBoolean !== true,
    preferredLanguage: readPreferredLanguage(patient),
  });
}

/**
 * The number texts go to: phone/sms contact points, mobile first, then by `rank`; the first
 * one that is a valid number wins. None → MISSING; only unusable ones → INVALID, pointing at
 * the most preferred candidate.
 */
function readSmsPhone(patient: Located, defaultRegion: CountryCode): string {
  const candidates = objectsAt(patient, 'telecom')
    .filter((telecom) => telecom.value.system === 'phone' || telecom.value.system === 'sms')
    .filter((telecom) => stringAt(telecom.value, 'value') !== undefined)
    .sort((a, b) => phonePreference(a) - phonePreference(b));
  if (candidates.length === 0) {
    throw invalidFhir(
      EhrWebhookErrorCode.MissingPatientPhone,
      'Patient has no phone or sms contact point',
      `${patient.path}.telecom`,
    );
  }
  for (const candidate of candidates) {
    const e164 = toE164(stringAt(candidate.value, 'value') ?? '', defaultRegion);
    if (e164) return e164;
  }
  throw invalidFhir(
    EhrWebhookErrorCode.InvalidPatientPhone,
    `Patient phone is not a valid number (national numbers are read in region ${defaultRegion})`,
    `${candidates[0].path}.value`,
  );
}

function phonePreference(telecom: Located): number {
  const mobileFirst =
    telecom.value.use === 'mobile' || telecom.value.system === 'sms' ? 0 : 1_000_000;
  return mobileFirst + (numberAt(telecom.value, 'rank') ?? 999_999);
}

function preferredName(person: Located): Readonly<Record<string, unknown>> | undefined {
  const names = objectsAt(person, 'name').map((name) => name.value);
  return (
    names.find((name) => name.use === 'official') ??
    names.find((name) => name.use === 'usual') ??
    names[0]
  );
}

function readPractitioner(practitioner: Located): EhrPractitioner {
  const name = preferredName(practitioner);
  const fullName = name
    ? (stringAt(name, 'text') ??
      [...stringsAt(name, 'given'), stringAt(name, 'family') ?? ''].join(' ').trim())
    : '';
  const suffixes = name ? stringsAt(name, 'suffix') : [];
  const qualifications = objectsAt(practitioner, 'qualification').flatMap((qualification) => {
    const coding = firstCodingAt(qualification, 'code');
    const code = coding && stringAt(coding, 'code');
    return code ? [code] : [];
  });
  return create(EhrPractitionerSchema, {
    ehrPractitionerId: resourceIdentity(practitioner),
    name: fullName,
    credentials: (suffixes.length > 0 ? suffixes : qualifications).join(', '),
  });
}

function readLocation(location: Located, defaultTimeZone: string | undefined): EhrLocation {
  const zoneExtension = extensionAt(location, TIME_ZONE_EXTENSION_URL);
  if (!zoneExtension && defaultTimeZone === undefined) {
    throw invalidFhir(
      EhrWebhookErrorCode.UnknownTimeZone,
      `Location has no ${TIME_ZONE_EXTENSION_URL} extension and no default time zone is configured`,
      `${location.path}.extension`,
    );
  }
  const zone = zoneExtension ? stringAt(zoneExtension.value, 'valueCode') : defaultTimeZone;
  if (!zone || !isIanaTimeZone(zone)) {
    throw invalidFhir(
      EhrWebhookErrorCode.UnknownTimeZone,
      'Location time zone must be an IANA time zone name such as America/New_York',
      `${zoneExtension?.path ?? location.path}.valueCode`,
    );
  }
  const address = objectAt(location, 'address');
  return create(EhrLocationSchema, {
    ehrLocationId: resourceIdentity(location),
    name: stringAt(location.value, 'name') ?? '',
    timeZone: zone,
    address: address && {
      lines: stringsAt(address.value, 'line'),
      city: stringAt(address.value, 'city') ?? '',
      state: stringAt(address.value, 'state') ?? '',
      postalCode: stringAt(address.value, 'postalCode') ?? '',
      country: stringAt(address.value, 'country') ?? '',
    },
  });
}

function readOrganizationName(
  document: FhirAppointmentDocument,
  location: Located,
): string | undefined {
  const managing = objectAt(location, 'managingOrganization');
  const reference = managing && stringAt(managing.value, 'reference');
  const organization = reference ? document.resolve(reference) : undefined;
  return organization?.value.resourceType === 'Organization'
    ? stringAt(organization.value, 'name')
    : undefined;
}

/** start is required; end may be derived from minutesDuration (FHIR allows either). */
function readInterval(resource: Located, timeZone: string): { start: Date; end: Date } {
  const start = readInstant(resource, 'start', timeZone);
  if (!start) {
    throw invalidFhir(
      EhrWebhookErrorCode.MissingStart,
      'Appointment.start is required',
      `${resource.path}.start`,
    );
  }
  const minutes = numberAt(resource.value, 'minutesDuration');
  if (minutes !== undefined && minutes > MAX_APPOINTMENT_MINUTES) {
    throw invalidFhir(
      EhrWebhookErrorCode.DurationTooLong,
      `Appointment.minutesDuration must be at most ${MAX_APPOINTMENT_MINUTES}`,
      `${resource.path}.minutesDuration`,
    );
  }
  const end =
    readInstant(resource, 'end', timeZone) ??
    (minutes !== undefined && Number.isInteger(minutes) && minutes > 0
      ? new Date(start.getTime() + minutes * 60_000)
      : undefined);
  if (!end) {
    throw invalidFhir(
      EhrWebhookErrorCode.MissingEnd,
      'Appointment.end or a positive Appointment.minutesDuration is required',
      `${resource.path}.end`,
    );
  }
  if (end.getTime() < start.getTime()) {
    throw invalidFhir(
      EhrWebhookErrorCode.EndBeforeStart,
      'Appointment.end is before Appointment.start',
      `${resource.path}.end`,
    );
  }
  if (end.getTime() - start.getTime() > MAX_APPOINTMENT_MINUTES * 60_000) {
    throw invalidFhir(
      EhrWebhookErrorCode.DurationTooLong,
      `An appointment may last at most ${MAX_APPOINTMENT_MINUTES} minutes`,
      `${resource.path}.end`,
    );
  }
  return { start, end };
}

function readInstant(resource: Located, key: 'start' | 'end', timeZone: string): Date | undefined {
  const raw = stringAt(resource.value, key);
  if (raw === undefined) return undefined;
  const instant = parseAppointmentInstant(raw, timeZone);
  if (!instant) {
    throw invalidFhir(
      EhrWebhookErrorCode.InvalidDateTime,
      `Appointment.${key} must be a FHIR dateTime with a time, e.g. 2025-03-14T09:30:00-05:00`,
      `${resource.path}.${key}`,
    );
  }
  return instant;
}

function readLastUpdated(meta: Located): Date | undefined {
  const raw = stringAt(meta.value, 'lastUpdated');
  if (raw === undefined) return undefined;
  // An instant must carry an offset, so no zone is needed; "UTC" only satisfies the signature.
  const instant = /(Z|[+-]\d{2}:\d{2})$/.test(raw)
    ? parseAppointmentInstant(raw, 'UTC')
    : undefined;
  if (!instant) {
    throw invalidFhir(
      EhrWebhookErrorCode.InvalidDateTime,
      'meta.lastUpdated must be a FHIR instant',
      `${meta.path}.lastUpdated`,
    );
  }
  return instant;
}

/**
 * The published appointment at the sequence its change was recorded under; `ehrVersion` is
 * the EHR's `meta.versionId`, else a readable stand-in derived from the sequence.
 */
export function sequencedAppointment(
  normalized: NormalizedAppointment,
  sequence: number,
): EhrAppointment {
  return {
    ...normalized.appointment,
    ehrVersion: normalized.versionId ?? `seq-${sequence}`,
    sequence,
  };
}

function readVersionId(meta: Located): string | undefined {
  const raw = stringAt(meta.value, 'versionId');
  if (raw === undefined) return undefined;
  if (!FHIR_ID.test(raw)) {
    throw invalidFhir(
      EhrWebhookErrorCode.InvalidVersionId,
      'meta.versionId must be a FHIR id (1-64 characters of A-Z a-z 0-9 - .)',
      `${meta.path}.versionId`,
    );
  }
  return raw;
}

/**
 * A hash of what we publish (without version and sequence), so a redelivery of unchanged
 * content under a fresh webhook-id is recognised while any change we would forward is not.
 * protobuf-es writes fields in field-number order, so the encoding is deterministic.
 */
function contentHash(appointment: EhrAppointment, cancellationReasonCode: string): string {
  const unversioned: EhrAppointment = { ...appointment, ehrVersion: '', sequence: 0 };
  const hash = createHash('sha256')
    .update(toBinary(EhrAppointmentSchema, unversioned))
    .update(`\n${cancellationReasonCode}`)
    .digest('hex');
  return `sha256:${hash}`;
}
