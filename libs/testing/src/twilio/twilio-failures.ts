/** An error the stand-in answers with, shaped like Twilio's REST error body. */
export interface TwilioFailure {
  readonly httpStatus: number;
  /** Twilio error code (https://www.twilio.com/docs/api/errors). */
  readonly code: number;
  readonly message: string;
}

/** Failures tests inject most often. */
export const TwilioFailures = {
  internalServerError: {
    httpStatus: 500,
    code: 20500,
    message: 'An internal server error has occurred',
  },
  tooManyRequests: {
    httpStatus: 429,
    code: 20429,
    message: 'Too Many Requests',
  },
  invalidToNumber: {
    httpStatus: 400,
    code: 21211,
    message: "The 'To' number is not a valid phone number.",
  },
  /** Usually reported in a status callback; some accounts see it in the create answer. */
  landlineOrUnreachableCarrier: {
    httpStatus: 400,
    code: 30006,
    message: 'Landline or unreachable carrier',
  },
  unsubscribedRecipient: {
    httpStatus: 400,
    code: 21610,
    message: 'Attempt to send to unsubscribed recipient',
  },
} as const satisfies Record<string, TwilioFailure>;

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function twilioErrorBody(failure: TwilioFailure): TwilioErrorBody {
  return {
    code: failure.code,
    message: failure.message,
    more_info: `https://www.twilio.com/docs/errors/${failure.code}`,
    status: failure.httpStatus,
  };
}
