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

/** The SMS port answers failures in the same three kinds as every delivery port. */
export {
  DeliveryFailureKind as SmsFailureKind,
  DeliveryGatewayError as SmsGatewayError,
} from './delivery-failure';
