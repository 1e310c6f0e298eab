import twilio from 'twilio';

import { type Secret } from '@caredispatch/platform';

import { renderSmsItinerary } from '../itinerary/sms-itinerary.renderer';

import {
  ChannelError,
  ChannelFailureKind,
  type ItineraryChannelAdapter,
  type ItinerarySendRequest,
} from './itinerary-channel.port';
import { type SentReceipt } from './itinerary-delivery.repository';
import { TwilioBaseUrlClient } from './twilio-base-url-client';

/** Socket errors that prove the request never reached Twilio. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A provider gets a few itinerary texts a week: the newest this many are enough to look through. */
const RECONCILE_LIMIT = 50;

export interface SmsItinerarySettings {
  readonly accountSid: string | undefined;
  readonly authToken: Secret | undefined;
  readonly fromNumber: string | undefined;
  /** Unset = live Twilio; tests point the SDK at the stand-in. */
  readonly apiBaseUrl: string | undefined;
  readonly timeoutMs: number;
}

/**
 * Itinerary texts through the official Twilio SDK: a short summary and the link to the full
 * itinerary page (minimum necessary: no patient names or addresses in an SMS). The link is the
 * same on every attempt of a delivery (its token is derived from the delivery id), so an
 * attempt whose outcome is unknown is reconciled by finding a text to the provider's number
 * carrying it.
 */
export class SmsItineraryChannel implements ItineraryChannelAdapter {
  readonly kind = 'sms' as const;
  private client: twilio.Twilio | undefined;

  constructor(private readonly settings: SmsItinerarySettings) {}

  async send(request: ItinerarySendRequest): Promise<SentReceipt> {
    if (request.destination.kind !== 'sms') {
      throw new ChannelError(ChannelFailureKind.Rejected, 'sms:not_an_sms_destination');
    }
    if (request.link === null) {
      throw new ChannelError(ChannelFailureKind.Rejected, 'sms:no_link');
    }
    const { client, from } = this.configured();
    const body = renderSmsItinerary(request.itinerary, request.link, { revised: request.revised });
    try {
      const message = await client.messages.create({
        to: request.destination.phoneE164,
        from,
        body,
      });
      return { externalChannel: 'sms', externalId: message.sid, threadOf: null };
    } catch (error) {
      throw twilioFailure(error);
    }
  }

  async findSent(request: ItinerarySendRequest): Promise<SentReceipt | null> {
    const link = request.link;
    if (request.destination.kind !== 'sms' || link === null) return null;
    const { client, from } = this.configured();
    try {
      const recent = await client.messages.list({
        to: request.destination.phoneE164,
        from,
        limit: RECONCILE_LIMIT,
      });
      // The link carries the delivery id: a text holding it is this delivery's, whenever sent.
      const found = recent.find((message) => message.body.includes(link));
      return found ? { externalChannel: 'sms', externalId: found.sid, threadOf: null } : null;
    } catch (error) {
      throw twilioFailure(error);
    }
  }

  private configured(): { client: twilio.Twilio; from: string } {
    const { accountSid, authToken, fromNumber, apiBaseUrl, timeoutMs } = this.settings;
    if (!accountSid || !authToken || !fromNumber) {
      throw new ChannelError(ChannelFailureKind.Rejected, 'sms:not_configured');
    }
    // Retries are the deliverer's, where they are reconciled; never the SDK's.
    const httpOptions = { timeout: timeoutMs, autoRetry: false };
    this.client ??= twilio(accountSid, authToken.reveal(), {
      ...httpOptions,
      httpClient: apiBaseUrl ? new TwilioBaseUrlClient(apiBaseUrl, httpOptions) : undefined,
    });
    return { client: this.client, from: fromNumber };
  }
}

/** SDK and socket errors → what the deliverer may safely do next (codes only, never the text). */
function twilioFailure(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  if (error instanceof twilio.RestException) {
    const code = `twilio:${String(error.code ?? error.status)}`;
    if (error.status === 429) return new ChannelError(ChannelFailureKind.NotAccepted, code);
    if (error.status >= 500) return new ChannelError(ChannelFailureKind.OutcomeUnknown, code);
    // Credentials or account trouble is the operator's to fix; the text may go later.
    if ([401, 403, 404].includes(error.status))
      return new ChannelError(ChannelFailureKind.NotAccepted, code);
    // 400: an invalid or unreachable number, a refused body — resending cannot help.
    return new ChannelError(ChannelFailureKind.Rejected, code);
  }
  const socketCode =
    typeof error === 'object' && error !== null && typeof Reflect.get(error, 'code') === 'string'
      ? (Reflect.get(error, 'code') as string)
      : undefined;
  if (socketCode !== undefined && NOT_CONNECTED.has(socketCode))
    return new ChannelError(ChannelFailureKind.NotAccepted, `twilio:${socketCode}`);
  return new ChannelError(
    ChannelFailureKind.OutcomeUnknown,
    `twilio:${socketCode ?? 'unexpected'}`,
  );
}
