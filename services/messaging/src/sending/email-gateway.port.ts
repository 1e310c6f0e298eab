/**
 * Port to the email relay (SMTP). Failures are DeliveryGatewayErrors in the three kinds every
 * delivery port names. Unlike Twilio, SMTP cannot be asked afterwards whether an attempt
 * arrived: an unknown outcome is sent again with the same Message-ID (the message's id), which
 * mail stores and clients de-duplicate by.
 */
export interface EmailGateway {
  /** Hands one email to the relay. Throws DeliveryGatewayError. */
  send(request: EmailSendRequest): Promise<{ providerMessageId: string }>;
}

export const EMAIL_GATEWAY = Symbol('EMAIL_GATEWAY');

export interface EmailSendRequest {
  /** Our message id: the Message-ID, so a resend is recognisably the same email. */
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /**
   * The signed one-click unsubscribe URL (RFC 8058) for List-Unsubscribe, beside the mailbox;
   * absent when the message names no patient.
   */
  readonly unsubscribeUrl?: string;
}
