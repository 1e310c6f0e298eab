import { Inject, Injectable, Logger } from '@nestjs/common';

import { backoffDelayMs } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';
import { ChannelError, ChannelFailureKind } from '../delivery/itinerary-channel.port';
import { findPostedByMetadata, slackFailure, SlackClients } from '../slack/slack-clients';

import { renderEscalationAdaptiveCard, renderEscalationSlack } from './coordinator-escalation';
import { type ClaimedNotice, CoordinatorNoticeRepository } from './coordinator-notice.repository';

const NOTICE_METADATA_EVENT = 'caredispatch_escalation';
const RECONCILE_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Sends coordinator notices to the tenant's Slack channel and/or Teams webhook. Slack posts
 * carry the notice id in metadata and are looked for before a resend; a Teams webhook cannot
 * be asked, so an unknown outcome there is resent (a rare duplicate card beats a lost one).
 */
@Injectable()
export class CoordinatorNotifier {
  private readonly logger = new Logger(CoordinatorNotifier.name);

  constructor(
    private readonly notices: CoordinatorNoticeRepository,
    private readonly slack: SlackClients,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
  ) {}

  async runOnce(): Promise<number> {
    const { ITINERARY_DELIVERY_LEASE_MS: leaseMs, ITINERARY_DELIVERY_BATCH_SIZE: batch } =
      this.config;
    const lapsed = await this.notices.claim('lapsed', this.clock.now(), leaseMs, batch);
    const due = await this.notices.claim('due', this.clock.now(), leaseMs, batch);
    await Promise.all([
      ...lapsed.map((n) => this.guarded(n, () => this.reconcile(n))),
      ...due.map((n) => this.guarded(n, () => this.send(n))),
    ]);
    return lapsed.length + due.length;
  }

  private async send(notice: ClaimedNotice): Promise<void> {
    try {
      if (notice.target === 'slack') await this.postToSlack(notice);
      else await this.postToTeams(notice);
    } catch (error) {
      const failure = error instanceof ChannelError ? error : slackFailure(error);
      await this.notices.finish(notice, this.afterFailure(notice, failure));
      this.logger.warn({
        message: 'coordinator notice not sent',
        noticeId: notice.id,
        errorCode: failure.code,
      });
      return;
    }
    await this.notices.finish(notice, { state: 'sent', at: this.clock.now() });
  }

  private async reconcile(notice: ClaimedNotice): Promise<void> {
    if (notice.target === 'slack') {
      const channel = this.config.ESCALATION_SLACK_CHANNELS.get(notice.tenantId) ?? '';
      try {
        const found = await findPostedByMetadata(this.slack.client(notice.tenantId), {
          channel,
          since: new Date(notice.firstAttemptAt.getTime() - RECONCILE_CLOCK_SKEW_MS),
          eventType: NOTICE_METADATA_EVENT,
          key: 'notice_id',
          value: notice.id,
        });
        if (found) {
          await this.notices.finish(notice, { state: 'sent', at: this.clock.now() });
          return;
        }
      } catch (error) {
        const code = error instanceof ChannelError ? error.code : 'UNEXPECTED';
        await this.notices.finish(notice, {
          state: 'sending',
          at: this.retryAt(notice),
          errorCode: code,
        });
        return;
      }
    }
    await this.notices.finish(notice, {
      state: 'queued',
      at: this.clock.now(),
      errorCode: 'RECONCILED_NOT_FOUND',
    });
  }

  private async postToSlack(notice: ClaimedNotice): Promise<void> {
    const channel = this.config.ESCALATION_SLACK_CHANNELS.get(notice.tenantId);
    if (!channel)
      throw new ChannelError(ChannelFailureKind.Rejected, 'slack:no_channel_configured');
    const message = renderEscalationSlack(notice.content);
    await this.slack.client(notice.tenantId).chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks as never,
      metadata: { event_type: NOTICE_METADATA_EVENT, event_payload: { notice_id: notice.id } },
    });
  }

  private async postToTeams(notice: ClaimedNotice): Promise<void> {
    const url = this.config.ESCALATION_TEAMS_WEBHOOK_URLS.get(notice.tenantId);
    if (!url) throw new ChannelError(ChannelFailureKind.Rejected, 'teams:no_webhook_configured');
    let response: Response;
    try {
      response = await fetch(url.reveal(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(renderEscalationAdaptiveCard(notice.content)),
        signal: AbortSignal.timeout(this.config.ITINERARY_DELIVERY_TIMEOUT_MS),
      });
    } catch {
      throw new ChannelError(ChannelFailureKind.NotAccepted, 'teams:request_error');
    }
    if (response.ok) return;
    const kind =
      response.status === 429 || response.status >= 500
        ? ChannelFailureKind.NotAccepted
        : ChannelFailureKind.Rejected;
    throw new ChannelError(kind, `teams:http_${response.status}`);
  }

  private afterFailure(
    notice: ClaimedNotice,
    failure: ChannelError,
  ): Parameters<CoordinatorNoticeRepository['finish']>[1] {
    if (failure.kind === ChannelFailureKind.Rejected)
      return { state: 'failed', errorCode: failure.code };
    if (notice.attempts >= this.config.ITINERARY_DELIVERY_MAX_ATTEMPTS)
      return { state: 'failed', errorCode: 'RETRIES_EXHAUSTED' };
    if (failure.kind === ChannelFailureKind.OutcomeUnknown)
      return { state: 'sending', at: this.retryAt(notice), errorCode: failure.code };
    return { state: 'queued', at: this.retryAt(notice), errorCode: failure.code };
  }

  private retryAt(notice: ClaimedNotice): Date {
    const delay = backoffDelayMs(notice.attempts, {
      baseDelayMs: this.config.ITINERARY_DELIVERY_RETRY_BASE_MS,
      maxDelayMs: this.config.ITINERARY_DELIVERY_RETRY_MAX_MS,
    });
    return new Date(this.clock.now().getTime() + delay);
  }

  private async guarded(notice: ClaimedNotice, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({
        message: 'notice round failed',
        noticeId: notice.id,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
}
