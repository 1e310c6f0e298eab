import { type Transporter } from 'nodemailer';

import { classifySmtpFailure, createSmtpTransport, type Secret } from '@caredispatch/platform';

import { renderEmailItinerary } from '../itinerary/email-itinerary.renderer';

import {
  ChannelError,
  ChannelFailureKind,
  type ItineraryChannelAdapter,
  type ItinerarySendRequest,
} from './itinerary-channel.port';
import { type SentReceipt } from './itinerary-delivery.repository';

/**
 * Itinerary emails through nodemailer (HTML + text + `itinerary.ics`). SMTP cannot be asked
 * whether an earlier attempt arrived, so an unknown outcome is resent; the Message-ID is the
 * delivery id, so mail clients and servers that de-duplicate by it show one email.
 */
export class EmailItineraryChannel implements ItineraryChannelAdapter {
  readonly kind = 'email' as const;
  private transport: Transporter | undefined;

  constructor(
    private readonly settings: { smtpUrl: Secret | undefined; from: string; timeoutMs: number },
  ) {}

  async send(request: ItinerarySendRequest): Promise<SentReceipt> {
    if (request.destination.kind !== 'email') {
      throw new ChannelError(ChannelFailureKind.Rejected, 'email:not_an_email_destination');
    }
    const email = renderEmailItinerary(request.itinerary, { revised: request.revised });
    const messageId = `<${request.deliveryId}@caredispatch>`;
    try {
      await this.transporter().sendMail({
        from: this.settings.from,
        to: request.destination.email,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId,
        attachments: [
          {
            filename: 'itinerary.ics',
            content: email.ics,
            contentType: 'text/calendar; charset=utf-8',
          },
        ],
      });
    } catch (error) {
      throw smtpFailure(error);
    }
    return { externalChannel: 'email', externalId: messageId, threadOf: null };
  }

  findSent(): Promise<'unknowable'> {
    return Promise.resolve('unknowable');
  }

  private transporter(): Transporter {
    const url = this.settings.smtpUrl;
    if (!url) throw new ChannelError(ChannelFailureKind.Rejected, 'email:not_configured');
    this.transport ??= createSmtpTransport(url, this.settings.timeoutMs);
    return this.transport;
  }
}

function smtpFailure(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const { kind, code } = classifySmtpFailure(error);
  return new ChannelError(SMTP_FAILURE_KIND[kind], code);
}

const SMTP_FAILURE_KIND = {
  rejected: ChannelFailureKind.Rejected,
  not_accepted: ChannelFailureKind.NotAccepted,
  outcome_unknown: ChannelFailureKind.OutcomeUnknown,
} as const;
