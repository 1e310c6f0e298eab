/** Port to the SMS provider. The Twilio adapter implements it; tests may use the stand-in behind it. */
export interface SmsGateway {
  /** Hands one SMS to the provider. Throws SmsGatewayError. */
  send(request: SmsSendRequest): Promise<{ providerMessageId: string }>;
  /**
   * Messages the provider has to `to`, created at or after `since`, newest first. Used to
   * find out whether an attempt whose outcome is unknown was in fact accepted.
   */
  findRecent(query: { to: string; since: Date }): Promise<readonly ProviderMessage[]>;
}

export const SMS_GATEWAY = Symbol('SMS_GATEWAY');

export interface SmsSendRequest {
  readonly to: string;
  readonly body: string;
  readonly statusCallbackUrl: string;
}

export interface ProviderMessage {
  readonly providerMessageId: string;
  readonly to: string;
  readonly body: string;
  readonly createdAt: Date;
}

export enum SmsFailureKind {
  /** The provider refused the message for good (e.g. invalid number); do not retry. */
  Rejected = 'rejected',
  /** The provider certainly does not have it (throttled, connection refused): retry later. */
  NotAccepted = 'not_accepted',
  /** It may or may not have been accepted (5xx, timeout, reset): reconcile before retrying. */
  OutcomeUnknown = 'outcome_unknown',
}

export class SmsGatewayError extends Error {
  override readonly name = 'SmsGatewayError';

  constructor(
    readonly kind: SmsFailureKind,
    /** Provider error code or HTTP status; never contains the number or the text. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
