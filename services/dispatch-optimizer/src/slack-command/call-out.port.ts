/**
 * What the slash command needs from the call-out feature (dispatch-plan owns it): record a
 * call-out for the provider behind a Slack user and start the re-plan. The slash command only
 * authenticates the request and turns it into this call.
 */
export interface SlackCallOutPort {
  callOutBySlackUser(request: SlackCallOutRequest): Promise<SlackCallOutResult>;
}

export const SLACK_CALL_OUT_PORT = Symbol('SLACK_CALL_OUT_PORT');

export interface SlackCallOutRequest {
  readonly tenantId: string;
  readonly slackUserId: string;
  readonly reason: string;
  readonly from: Date;
  /** Slack's `trigger_id`: a retried delivery of the same command records one call-out. */
  readonly idempotencyKey: string | null;
}

export type SlackCallOutResult =
  | { readonly outcome: 'accepted'; readonly callOutId: string }
  /** No provider of this tenant has this Slack user as their itinerary channel. */
  | { readonly outcome: 'unknown-provider' };
