import { ErrorCode, type WebAPICallError, WebClient } from '@slack/web-api';

import { type Secret } from '@caredispatch/platform';

import { ChannelError, ChannelFailureKind } from '../delivery/itinerary-channel.port';

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

export interface SlackClientSettings {
  /** Unset = Slack itself. */
  readonly apiUrl: string | undefined;
  readonly botTokens: ReadonlyMap<string, Secret>;
  readonly timeoutMs: number;
}

/**
 * One official Slack client per tenant (each tenant installs the app with its own bot token).
 * The client's own retries are off: callers retry with their lease discipline.
 */
export class SlackClients {
  private readonly clients = new Map<string, WebClient>();

  constructor(private readonly settings: SlackClientSettings) {}

  client(tenantId: string): WebClient {
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

/**
 * Our message in `channel` since `since` whose metadata says `key` = `value`: how a post with
 * an unknown outcome is found again (Slack has no idempotency key for chat.postMessage).
 */
export async function findPostedByMetadata(
  client: WebClient,
  query: { channel: string; since: Date; eventType: string; key: string; value: string },
): Promise<{ ts: string; threadTs: string | null } | null> {
  try {
    const history = await client.conversations.history({
      channel: query.channel,
      oldest: String(Math.floor(query.since.getTime() / 1000)),
      include_all_metadata: true,
      limit: 200,
    });
    const ours = history.messages?.find(
      (m) =>
        m.metadata?.event_type === query.eventType &&
        (m.metadata.event_payload as Record<string, unknown> | undefined)?.[query.key] ===
          query.value,
    );
    return ours?.ts ? { ts: ours.ts, threadTs: ours.thread_ts ?? null } : null;
  } catch (error) {
    throw slackFailure(error);
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
