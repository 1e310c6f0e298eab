import { HttpStatus } from '@nestjs/common';

import { DomainError, domainErrors } from '@caredispatch/platform';

/**
 * Every way a FHIR webhook delivery can be refused. The code is the contract with the EHR's
 * integration engineers: it names the problem precisely, and `details.path` points at the
 * offending FHIR element. Messages and details never echo field values (they may be PHI).
 */
export enum EhrWebhookErrorCode {
  UnknownTenant = 'UNKNOWN_TENANT',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  MissingSignatureHeader = 'MISSING_SIGNATURE_HEADER',
  MalformedSignatureHeader = 'MALFORMED_SIGNATURE_HEADER',
  StaleTimestamp = 'STALE_TIMESTAMP',
  InvalidSignature = 'INVALID_SIGNATURE',
  MalformedJson = 'MALFORMED_JSON',
  NotAnAppointment = 'NOT_AN_APPOINTMENT',
  MultipleAppointments = 'MULTIPLE_APPOINTMENTS',
  InvalidAppointmentId = 'INVALID_APPOINTMENT_ID',
  InvalidAppointmentStatus = 'INVALID_APPOINTMENT_STATUS',
  InvalidVersionId = 'INVALID_VERSION_ID',
  MissingStart = 'MISSING_START',
  MissingEnd = 'MISSING_END',
  InvalidDateTime = 'INVALID_DATE_TIME',
  EndBeforeStart = 'END_BEFORE_START',
  UnresolvedReference = 'UNRESOLVED_REFERENCE',
  MissingPatient = 'MISSING_PATIENT',
  MissingPatientPhone = 'MISSING_PATIENT_PHONE',
  InvalidPatientPhone = 'INVALID_PATIENT_PHONE',
  MissingLocation = 'MISSING_LOCATION',
  UnknownTimeZone = 'UNKNOWN_TIME_ZONE',
  /** Control characters (other than tab/CR/LF), unpaired surrogates or absurd nesting. */
  InvalidText = 'INVALID_TEXT',
  FieldTooLong = 'FIELD_TOO_LONG',
  InvalidFieldFormat = 'INVALID_FIELD_FORMAT',
  DurationTooLong = 'DURATION_TOO_LONG',
}

export class EhrWebhookError extends DomainError<EhrWebhookErrorCode> {}

export function ehrWebhookError(
  code: EhrWebhookErrorCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): EhrWebhookError {
  return new EhrWebhookError(code, message, details);
}

/** A FHIR validation failure: `path` is the FHIRPath-like location of the offending element. */
export function invalidFhir(
  code: EhrWebhookErrorCode,
  message: string,
  path: string,
): EhrWebhookError {
  return ehrWebhookError(code, message, { path });
}

/** Narrows to this service's own errors (their code is an EhrWebhookErrorCode). */
export function isDomainError(error: unknown): error is EhrWebhookError {
  return error instanceof EhrWebhookError;
}

/** The HTTP status of each code; exhaustive so a new code cannot ship without a status. */
export function ehrWebhookHttpStatus(code: EhrWebhookErrorCode): HttpStatus {
  switch (code) {
    case EhrWebhookErrorCode.UnknownTenant:
      return HttpStatus.NOT_FOUND;
    case EhrWebhookErrorCode.UnsupportedMediaType:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case EhrWebhookErrorCode.PayloadTooLarge:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case EhrWebhookErrorCode.MissingSignatureHeader:
    case EhrWebhookErrorCode.MalformedSignatureHeader:
    case EhrWebhookErrorCode.StaleTimestamp:
    case EhrWebhookErrorCode.InvalidSignature:
      return HttpStatus.UNAUTHORIZED;
    case EhrWebhookErrorCode.MalformedJson:
      return HttpStatus.BAD_REQUEST;
    case EhrWebhookErrorCode.NotAnAppointment:
    case EhrWebhookErrorCode.MultipleAppointments:
    case EhrWebhookErrorCode.InvalidAppointmentId:
    case EhrWebhookErrorCode.InvalidAppointmentStatus:
    case EhrWebhookErrorCode.InvalidVersionId:
    case EhrWebhookErrorCode.MissingStart:
    case EhrWebhookErrorCode.MissingEnd:
    case EhrWebhookErrorCode.InvalidDateTime:
    case EhrWebhookErrorCode.EndBeforeStart:
    case EhrWebhookErrorCode.UnresolvedReference:
    case EhrWebhookErrorCode.MissingPatient:
    case EhrWebhookErrorCode.MissingPatientPhone:
    case EhrWebhookErrorCode.InvalidPatientPhone:
    case EhrWebhookErrorCode.MissingLocation:
    case EhrWebhookErrorCode.UnknownTimeZone:
    case EhrWebhookErrorCode.InvalidText:
    case EhrWebhookErrorCode.FieldTooLong:
    case EhrWebhookErrorCode.InvalidFieldFormat:
    case EhrWebhookErrorCode.DurationTooLong:
      return HttpStatus.UNPROCESSABLE_ENTITY;
  }
}

export const ehrWebhookErrors = domainErrors(EhrWebhookError, ehrWebhookHttpStatus);
