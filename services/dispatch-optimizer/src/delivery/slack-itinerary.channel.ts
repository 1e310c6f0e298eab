import { ErrorCode, WebClient, type WebAPICallError } from '@slack/web-api';

import { type Secret } from '@caredispatch/platform';

import { renderSlackItinerary } from '../itinerary/slack-itinerary.renderer';

import {
  ChannelError,
  ChannelFailureKind,
  type ItineraryChannelAdapter,
  type ItinerarySendRequest,
} from './itinerary-channel.port';
import { type SentReceipt } from './itinerary-delivery.repository';

/** Marks our messages so an attempt with an unknown outcome can be found again. */
export const ITINERARY_METADATA_EVENT = 'caredispatch_itinerary';

/** Slack errors that say nothing was posted and a later try may work. */
const RETRYABLE_SLACK_ERRORS = new Set(['ratelimited', 'service_unavailable', 'team_added_to_org']);
/** Slack errors after which the post may or may not exist. */
const UNKNOWN_OUTCOME_SLACK_ERRORS = new Set(['internal_error', 'fatal_error', 'request_timeout']);

export interface SlackClientSettings {
  /** Unset = Slack itself. */
  readonly apiUrl: string | undefined;
  readonly botTokens: ReadonlyMap<string, Secret>;
  readonly timeoutMs: number;
}

/**
 * Slack DMs through the official client: `conversations.open` (idempotent), then one
 * `chat.postMessage` carrying the delivery id in message metadata. A delta is threaded under
 * the provider's first itinerary of the plan and broadcast to the DM so it notifies.
 * The client's own retries are off: the delivery loop retries with its lease discipline.
 */
export class SlackItineraryChannel implements ItineraryChannelAdapter {
  readonly kind = 'slack' as const;
  private readonly clients = new Map<string, WebClient>();

  constructor(private readonly settings: SlackClientSettings) {}

  async send(request: ItinerarySendRequest): Promise<SentReceipt> {
    const client = this.client(request.tenantId);
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
    const client = this.client(request.tenantId);
    const channel = await this.openDm(client, request);
    try {
      const history = await client.conversations.history({
        channel,
        oldest: String(Math.floor(since.getTime() / 1000)),
        include_all_metadata: true,
        limit: 200,
      });
      const ours = history.messages?.find(
        (m) =>
          m.metadata?.event_type === ITINERARY_METADATA_EVENT &&
          (m.metadata.event_payload as Record<string, unknown> | undefined)?.['delivery_id'] ===
            request.deliveryId,
      );
      if (!ours?.ts) return null;
      return { externalChannel: channel, externalId: ours.ts, threadOf: ours.thread_ts ?? null };
    } catch (error) {
      throw slackFailure(error);
    }
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

  private client(tenantId: string): WebClient {
    const existing = this.clients.get(tenantId);
    if (existing) return existing;
    const token = this.settings.botTokens.get(tenantId);
    if (!token) throw new ChannelError(ChannelFailureKind.Rejected, 'slack:no_bot_token');
    const client = new WebClient(token.reveal(), {
      ...(this.settings.apiUrl ? { slackApiUrl: this.settings.apiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: this.settings.timeoutMs,
    });
    this.clients.set(tenantId, client);
    return client;
  }
}

/** Maps the client's errors onto the three failure kinds. */
export function slackFailure(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const coded = error as Partial<WebAPICallError> & {
    data?: { error?: string };
    statusCode?: number;
    original?: { code?: string };
  };
  switch (coded.code) {
    case ErrorCode.PlatformError: {
      const slackError = coded.data?.error ?? 'unknown';
      if (RETRYABLE_SLACK_ERRORS.has(slackError))
        return new ChannelError(ChannelFailureKind.NotAccepted, `slack:${slackError}`);
      if (UNKNOWN_OUTCOME_SLACK_ERRORS.has(slackError))
        return new ChannelError(ChannelFailureKind.OutcomeUnknown, `slack:${slackError}`);
      return new ChannelError(ChannelFailureKind.Rejected, `slack:${slackError}`);
    }
    case ErrorCode.RateLimitedError:
      return new ChannelError(ChannelFailureKind.NotAccepted, 'slack:http_429');
    case ErrorCode.HTTPError: {
      const status = coded.statusCode ?? 0;
      return status >= 500
        ? new ChannelError(ChannelFailureKind.OutcomeUnknown, `slack:http_${status}`)
        : new ChannelError(ChannelFailureKind.Rejected, `slack:http_${status}`);
    }
    case ErrorCode.RequestError:
      return coded.original?.code === 'ECONNREFUSED'
        ? new ChannelError(ChannelFailureKind.NotAccepted, 'slack:connection_refused')
        : new ChannelError(ChannelFailureKind.OutcomeUnknown, 'slack:request_error');
    case undefined:
      return new ChannelError(ChannelFailureKind.OutcomeUnknown, 'slack:unexpected');
  }
}
