import { HttpStatus } from '@nestjs/common';

import { type DomainError } from '@caredispatch/platform';

export enum MessagingErrorCode {
  TwilioSignatureInvalid = 'TWILIO_SIGNATURE_INVALID',
  StatusCallbackInvalid = 'STATUS_CALLBACK_INVALID',
}

const CODES = new Set<string>(Object.values(MessagingErrorCode));

function isMessagingErrorCode(code: string): code is MessagingErrorCode {
  return CODES.has(code);
}

/** The HTTP edge of every messaging domain error; exhaustive, so a new code must be mapped. */
export function messagingHttpStatus(error: DomainError): HttpStatus {
  if (!isMessagingErrorCode(error.code)) return HttpStatus.INTERNAL_SERVER_ERROR;
  switch (error.code) {
    case MessagingErrorCode.TwilioSignatureInvalid:
      return HttpStatus.FORBIDDEN;
    case MessagingErrorCode.StatusCallbackInvalid:
      return HttpStatus.BAD_REQUEST;
  }
}
