import { type ProviderItinerary } from '../itinerary/itinerary';
import { type ItineraryChannel } from '../roster/roster.model';

import { type SentReceipt } from './itinerary-delivery.repository';

/**
 * Port to one way of reaching a provider (Slack, email, SMS). Failure kinds as in messaging's
 * SmsGateway: what the caller may safely do next depends on whether the provider might have
 * the message.
 */
export interface ItineraryChannelAdapter {
  readonly kind: ItineraryChannel['kind'];
  /** Sends one itinerary. Throws ChannelError. */
  send(request: ItinerarySendRequest): Promise<SentReceipt>;
  /**
   * Whether an earlier attempt of this delivery reached the provider, for an attempt whose
   * outcome is unknown; null when it did not. Channels that cannot tell answer `unknowable`
   * (the caller then resends; see each adapter for why that is acceptable there).
   */
  findSent(request: ItinerarySendRequest, since: Date): Promise<SentReceipt | null | 'unknowable'>;
}

export interface ItinerarySendRequest {
  readonly deliveryId: string;
  readonly tenantId: string;
  readonly destination: ItineraryChannel;
  readonly itinerary: ProviderItinerary;
  readonly revised: boolean;
  /** Slack: the provider's earlier itinerary of this plan; the delta is threaded under it. */
  readonly threadUnder: { readonly channel: string; readonly ts: string } | null;
  /** Signed link to the itinerary page (SMS only; null for the other channels). */
  readonly link: string | null;
}

export const ITINERARY_CHANNELS = Symbol('ITINERARY_CHANNELS');

export enum ChannelFailureKind {
  /** Refused for good (unknown user, bad address, bad token): do not retry; escalate. */
  Rejected = 'rejected',
  /** Certainly not delivered (rate limited, connection refused): retry later. */
  NotAccepted = 'not_accepted',
  /** May or may not have been delivered (5xx, timeout, reset): reconcile before retrying. */
  OutcomeUnknown = 'outcome_unknown',
}

export class ChannelError extends Error {
  override readonly name = 'ChannelError';

  constructor(
    readonly kind: ChannelFailureKind,
    /** Provider error code or HTTP status; never contains the address or the text. */
    readonly code: string,
  ) {
    super(`${kind}: ${code}`);
  }
}
