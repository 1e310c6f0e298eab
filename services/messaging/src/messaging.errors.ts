import { HttpStatus } from '@nestjs/common';

import { DomainError, domainErrors } from '@caredispatch/platform';

export enum MessagingErrorCode {
  TwilioSignatureInvalid = 'TWILIO_SIGNATURE_INVALID',
  StatusCallbackInvalid = 'STATUS_CALLBACK_INVALID',
  InboundSmsInvalid = 'INBOUND_SMS_INVALID',
  PatientNotFound = 'PATIENT_NOT_FOUND',
  AppointmentNotFound = 'APPOINTMENT_NOT_FOUND',
  ReminderSettingsInvalid = 'REMINDER_SETTINGS_INVALID',
  ReminderPreviewInvalid = 'REMINDER_PREVIEW_INVALID',
  ReminderTemplatesInvalid = 'REMINDER_TEMPLATES_INVALID',
}

export class MessagingError extends DomainError<MessagingErrorCode> {}

/** Exhaustive: a new code cannot ship without a status. */
export function messagingHttpStatus(code: MessagingErrorCode): HttpStatus {
  switch (code) {
    case MessagingErrorCode.TwilioSignatureInvalid:
      return HttpStatus.FORBIDDEN;
    case MessagingErrorCode.StatusCallbackInvalid:
    case MessagingErrorCode.InboundSmsInvalid:
    case MessagingErrorCode.ReminderSettingsInvalid:
    case MessagingErrorCode.ReminderPreviewInvalid:
    case MessagingErrorCode.ReminderTemplatesInvalid:
      return HttpStatus.BAD_REQUEST;
    case MessagingErrorCode.PatientNotFound:
    case MessagingErrorCode.AppointmentNotFound:
      return HttpStatus.NOT_FOUND;
  }
}

export const messagingErrors = domainErrors(MessagingError, messagingHttpStatus);
