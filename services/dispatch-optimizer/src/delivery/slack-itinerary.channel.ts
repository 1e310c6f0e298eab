import { type WebClient } from '@slack/web-api';

import { renderSlackItinerary } from '../itinerary/slack-itinerary.renderer';
import { findPostedByMetadata, slackFailure, type SlackClients } from '../slack/slack-clients';

import {
  ChannelError,
  ChannelFailureKind,
  type ItineraryChannelAdapter,
  type ItinerarySendRequest,
} from './itinerary-channel.port';
import { type SentReceipt } from './itinerary-delivery.repository';

/** Marks our messages so an attempt with an unknown outcome can be found again. */
export const ITINERARY_METADATA_EVENT = 'caredispatch_itinerary';

/**
 * Slack DMs through the official client: `conversations.open` (idempotent), then one
 * `chat.postMessage` carrying the delivery id in message metadata. A delta is threaded under
 * the provider's first itinerary of the plan and broadcast to the DM so it notifies.
 * The client's own retries are off: the delivery loop retries with its lease discipline.
 */
export class SlackItineraryChannel implements ItineraryChannelAdapter {
  readonly kind = 'slack' as const;
  constructor(private readonly slack: SlackClients) {}

  async send(request: ItinerarySendRequest): Promise<SentReceipt> {
    const client = this.slack.client(request.tenantId);
    const channel = await this.openDm(client, request);
    const message = renderSlackItinerary(request.itinerary, { revised: request.revised });
    try {
      const base = {
        channel,
        text: message.text,
        blocks: message.blocks as never,
        metadata: {
          event_type: ITINERARY_METADATA_EVENT,
          event_payload: { delivery_id: request.deliveryId },
        },
      };
      const thread = request.threadUnder?.channel === channel ? request.threadUnder.ts : null;
      const posted = await client.chat.postMessage(
        thread ? { ...base, thread_ts: thread, reply_broadcast: true } : base,
      );
      if (!posted.ts) throw new ChannelError(ChannelFailureKind.OutcomeUnknown, 'slack:no_ts');
      return {
        externalChannel: channel,
        externalId: posted.ts,
        threadOf: thread,
      };
    } catch (error) {
      throw slackFailure(error);
    }
  }

  async findSent(request: ItinerarySendRequest, since: Date): Promise<SentReceipt | null> {
    const client = this.slack.client(request.tenantId);
    const channel = await this.openDm(client, request);
    const ours = await findPostedByMetadata(client, {
      channel,
      since,
      eventType: ITINERARY_METADATA_EVENT,
      key: 'delivery_id',
      value: request.deliveryId,
    });
    return ours ? { externalChannel: channel, externalId: ours.ts, threadOf: ours.threadTs } : null;
  }

  /** Opening a DM creates nothing visible: any failure here is safe to retry. */
  private async openDm(client: WebClient, request: ItinerarySendRequest): Promise<string> {
    if (request.destination.kind !== 'slack') {
      throw new ChannelError(ChannelFailureKind.Rejected, 'slack:not_a_slack_destination');
    }
    try {
      const opened = await client.conversations.open({ users: request.destination.slackUserId });
      const id = opened.channel?.id;
      if (!id) throw new ChannelError(ChannelFailureKind.NotAccepted, 'slack:no_channel');
      return id;
    } catch (error) {
      const failure = slackFailure(error);
      throw failure.kind === ChannelFailureKind.OutcomeUnknown
        ? new ChannelError(ChannelFailureKind.NotAccepted, failure.code)
        : failure;
    }
  }
}
