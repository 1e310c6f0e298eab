/**
 * How a delivery port (SMS, email) answers a failed hand-over, so the sender treats every
 * channel's failures alike.
 */
export enum DeliveryFailureKind {
  /** The provider refused the message for good (e.g. invalid number, SMTP 5xx); do not retry. */
  Rejected = 'rejected',
  /** The provider certainly does not have it (throttled, connection refused, SMTP 4xx): retry later. */
  NotAccepted = 'not_accepted',
  /** It may or may not have been accepted (5xx, timeout, reset): reconcile before retrying. */
  OutcomeUnknown = 'outcome_unknown',
}

export class DeliveryGatewayError extends Error {
  override readonly name = 'DeliveryGatewayError';

  constructor(
    readonly kind: DeliveryFailureKind,
    /** Provider error code, HTTP status or SMTP reply; never contains the address or the text. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
