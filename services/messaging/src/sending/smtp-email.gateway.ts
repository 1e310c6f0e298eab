import { Inject, Injectable } from '@nestjs/common';
import { type Transporter } from 'nodemailer';

import { classifySmtpFailure, createSmtpTransport, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';

import { DeliveryFailureKind, DeliveryGatewayError } from './delivery-failure';
import { type EmailGateway, type EmailSendRequest } from './email-gateway.port';

const FAILURE_KIND = {
  rejected: DeliveryFailureKind.Rejected,
  not_accepted: DeliveryFailureKind.NotAccepted,
  outcome_unknown: DeliveryFailureKind.OutcomeUnknown,
} as const;

/**
 * EmailGateway through nodemailer over SMTP (SMTP_URL): HTML and plain text, a Message-ID
 * derived from our message id, and a List-Unsubscribe header (RFC 2369) naming the signed
 * one-click URL (with List-Unsubscribe-Post, RFC 8058) and the mailbox that takes unsubscribe
 * requests. Without SMTP_URL every email is refused as not configured,
 * which records the step as failed rather than pretending it went out.
 */
@Injectable()
export class SmtpEmailGateway implements EmailGateway {
  private transport: Transporter | undefined;
  private readonly messageIdDomain: string;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: MessagingConfig) {
    this.messageIdDomain = config.EMAIL_FROM.split('@').at(-1) ?? 'caredispatch.invalid';
  }

  async send(request: EmailSendRequest): Promise<{ providerMessageId: string }> {
    const messageId = `<${request.messageId}@${this.messageIdDomain}>`;
    const unsubscribe = this.config.EMAIL_UNSUBSCRIBE_MAILTO ?? this.config.EMAIL_FROM;
    try {
      const info = (await this.transporter().sendMail({
        from: this.config.EMAIL_FROM,
        to: request.to,
        subject: request.subject,
        text: request.text,
        html: request.html,
        messageId,
        list: {
          // One header (nodemailer: the inner array is one header's comma-separated list).
          unsubscribe: [
            [
              // RFC 8058: the https URL first; mail providers POST List-Unsubscribe=One-Click to it.
              ...(request.unsubscribeUrl ? [request.unsubscribeUrl] : []),
              // The subject names the message, so whoever handles the mailbox knows whose request it is.
              {
                url: `mailto:${unsubscribe}?subject=unsubscribe%20${request.messageId}`,
                comment: 'Unsubscribe',
              },
            ],
          ],
        },
        ...(request.unsubscribeUrl
          ? { headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } }
          : {}),
      })) as { messageId?: string };
      return { providerMessageId: info.messageId ?? messageId };
    } catch (error) {
      if (error instanceof DeliveryGatewayError) throw error;
      const { kind, code } = classifySmtpFailure(error);
      throw new DeliveryGatewayError(FAILURE_KIND[kind], code, 'SMTP submission failed');
    }
  }

  private transporter(): Transporter {
    const url = this.config.SMTP_URL;
    if (!url) {
      throw new DeliveryGatewayError(
        DeliveryFailureKind.Rejected,
        'email:not_configured',
        'SMTP_URL is not set',
      );
    }
    this.transport ??= createSmtpTransport(url, this.config.SMTP_REQUEST_TIMEOUT_MS);
    return this.transport;
  }
}
