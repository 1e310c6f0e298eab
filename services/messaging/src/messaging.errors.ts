import { HttpStatus } from '@nestjs/common';

import { DomainError, domainErrors } from '@caredispatch/platform';

export enum MessagingErrorCode {
  TwilioSignatureInvalid = 'TWILIO_SIGNATURE_INVALID',
  StatusCallbackInvalid = 'STATUS_CALLBACK_INVALID',
  InboundSmsInvalid = 'INBOUND_SMS_INVALID',
}

export class MessagingError extends DomainError<MessagingErrorCode> {}

/** Exhaustive: a new code cannot ship without a status. */
export function messagingHttpStatus(code: MessagingErrorCode): HttpStatus {
  switch (code) {
    case MessagingErrorCode.TwilioSignatureInvalid:
      return HttpStatus.FORBIDDEN;
    case MessagingErrorCode.StatusCallbackInvalid:
    case MessagingErrorCode.InboundSmsInvalid:
      return HttpStatus.BAD_REQUEST;
  }
}

export const messagingErrors = domainErrors(MessagingError, messagingHttpStatus);
