import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { backoffDelayMs, inTenantTransaction } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';
import { failedDeliveryEscalation } from '../escalation/call-out-escalation';
import {
  CoordinatorNoticeRepository,
  noticeTargetsOf,
} from '../escalation/coordinator-notice.repository';
import { DispatchExceptionReporter } from '../exceptions/dispatch-exception.model';
import { itineraryFromPlan } from '../itinerary/itinerary-from-plan';
import { PlanReader } from '../plan/plan-published';
import { type PlanVersion } from '../plan/plan.model';
import { ROSTER_READER } from '../roster/roster-reader.token';
import { type RosterReader } from '../roster/roster.model';

import {
  ChannelError,
  ChannelFailureKind,
  ITINERARY_CHANNELS,
  type ItineraryChannelAdapter,
  type ItinerarySendRequest,
} from './itinerary-channel.port';
import { ItineraryDeliveryEvents } from './itinerary-delivery.events';
import {
  type ClaimedDelivery,
  ItineraryDeliveryRepository,
  type SentReceipt,
} from './itinerary-delivery.repository';
import { ItineraryLinkIssuer } from './itinerary-link.port';

type PlanVersions = (claim: ClaimedDelivery) => Promise<PlanVersion | null>;

/** Tolerated difference between our clock and Slack's when looking for an earlier attempt. */
const RECONCILE_CLOCK_SKEW_MS = 5 * 60_000;

export const RETRIES_EXHAUSTED = 'RETRIES_EXHAUSTED';

/**
 * Sends queued itineraries, at most once each, in messaging's sender discipline:
 *  1. claim (`queued` → `sending` with a lease, committed) — a crash from here leaves a trace;
 *  2. render from the stored plan and call the channel;
 *  3. record the outcome (`sent` + audit event in one transaction).
 * A claim whose lease lapses (crash between 2 and 3, or an answer that never came) is never
 * sent blind again: the channel is asked first whether it has the message (Slack: our
 * delivery id in the message metadata of the DM's history).
 */
@Injectable()
export class ItineraryDeliverer {
  private readonly logger = new Logger(ItineraryDeliverer.name);
  private readonly channels: ReadonlyMap<string, ItineraryChannelAdapter>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: ItineraryDeliveryRepository,
    private readonly events: ItineraryDeliveryEvents,
    private readonly plans: PlanReader,
    @Inject(ROSTER_READER) private readonly roster: RosterReader,
    private readonly exceptions: DispatchExceptionReporter,
    private readonly notices: CoordinatorNoticeRepository,
    @Inject(ITINERARY_CHANNELS) channels: readonly ItineraryChannelAdapter[],
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
    private readonly links: ItineraryLinkIssuer,
  ) {
    this.channels = new Map(channels.map((c) => [c.kind, c]));
  }

  /** One round: recover lapsed claims, then send what is due. Returns how many it handled. */
  async runOnce(): Promise<number> {
    const leaseMs = this.config.ITINERARY_DELIVERY_LEASE_MS;
    const batch = this.config.ITINERARY_DELIVERY_BATCH_SIZE;
    const lapsed = await this.deliveries.claimExpiredLeases(this.clock.now(), leaseMs, batch);
    // A plan's deliveries are usually claimed together: its (large) version is read once a round.
    const plans = this.planVersions();
    await Promise.all(
      lapsed.map((claim) => this.guarded(claim, () => this.reconcile(claim, plans))),
    );
    const due = await this.deliveries.claimDue(this.clock.now(), leaseMs, batch);
    await Promise.all(due.map((claim) => this.guarded(claim, () => this.deliver(claim, plans))));
    return lapsed.length + due.length;
  }

  private async deliver(claim: ClaimedDelivery, plans: PlanVersions): Promise<void> {
    const request = await this.compose(claim, plans);
    if (!request) return;
    const channel = this.channels.get(request.destination.kind);
    if (!channel) {
      await this.fail(claim, `${request.destination.kind}:channel_not_available`);
      return;
    }
    let receipt: SentReceipt;
    try {
      receipt = await channel.send(request);
    } catch (error) {
      await this.handleFailure(claim, asChannelError(error));
      return;
    }
    await this.recordSent(claim, request, receipt, 'sent');
  }

  private async reconcile(claim: ClaimedDelivery, plans: PlanVersions): Promise<void> {
    const request = await this.compose(claim, plans);
    if (!request) return;
    const channel = this.channels.get(request.destination.kind);
    if (!channel) {
      await this.fail(claim, `${request.destination.kind}:channel_not_available`);
      return;
    }
    const since = new Date(claim.firstAttemptAt.getTime() - RECONCILE_CLOCK_SKEW_MS);
    let found: SentReceipt | null | 'unknowable';
    try {
      found = await channel.findSent(request, since);
    } catch (error) {
      const failure = asChannelError(error);
      await this.deliveries.deferToReconciliation(
        claim,
        this.retryAt(claim.attempts),
        failure.code,
      );
      this.log('warn', 'reconciliation deferred', claim, { errorCode: failure.code });
      return;
    }
    if (found && found !== 'unknowable') {
      await this.recordSent(claim, request, found, 'found by reconciliation');
      return;
    }
    if (claim.attempts >= this.config.ITINERARY_DELIVERY_MAX_ATTEMPTS) {
      await this.fail(claim, RETRIES_EXHAUSTED);
      return;
    }
    await this.deliveries.requeue(claim, this.clock.now(), 'RECONCILED_NOT_FOUND');
  }

  /** Plan versions read at most once each (for one round of claims). */
  private planVersions(): PlanVersions {
    const read = new Map<string, Promise<PlanVersion | null>>();
    return (claim) => {
      const key = `${claim.tenantId}/${claim.planId}/${claim.planVersion}`;
      let found = read.get(key);
      if (!found) {
        found = this.plans.version(claim.tenantId, claim.planId, claim.planVersion);
        read.set(key, found);
      }
      return found;
    };
  }

  /** The request for this delivery from the stored plan and roster; null if it cannot be built. */
  private async compose(
    claim: ClaimedDelivery,
    plans: PlanVersions,
  ): Promise<ItinerarySendRequest | null> {
    const [plan, provider] = await Promise.all([
      plans(claim),
      this.roster.provider(claim.tenantId, claim.providerId),
    ]);
    if (!plan || !provider) {
      await this.fail(claim, plan ? 'PROVIDER_NOT_FOUND' : 'PLAN_NOT_FOUND');
      return null;
    }
    const threadUnder =
      claim.revised && provider.delivery.channel.kind === 'slack'
        ? await this.deliveries.originalSlackMessage(claim.tenantId, claim.planId, claim.providerId)
        : null;
    return {
      deliveryId: claim.id,
      tenantId: claim.tenantId,
      destination: provider.delivery.channel,
      itinerary: itineraryFromPlan(plan, provider, claim.days),
      revised: claim.revised,
      threadUnder,
      link: provider.delivery.channel.kind === 'sms' ? await this.links.linkFor(claim, plan) : null,
    };
  }

  private async handleFailure(claim: ClaimedDelivery, failure: ChannelError): Promise<void> {
    switch (failure.kind) {
      case ChannelFailureKind.Rejected:
        await this.fail(claim, failure.code);
        return;
      case ChannelFailureKind.NotAccepted:
        if (claim.attempts >= this.config.ITINERARY_DELIVERY_MAX_ATTEMPTS) {
          await this.fail(claim, RETRIES_EXHAUSTED);
          return;
        }
        await this.deliveries.requeue(claim, this.retryAt(claim.attempts), failure.code);
        this.log('warn', 'not accepted; retry scheduled', claim, { errorCode: failure.code });
        return;
      case ChannelFailureKind.OutcomeUnknown:
        // Not before the lease lapses: the channel may still act on a request we gave up on.
        await this.deliveries.deferToReconciliation(
          claim,
          latest(this.retryAt(claim.attempts), claim.leaseExpiresAt),
          failure.code,
        );
        this.log('warn', 'outcome unknown; reconciliation scheduled', claim, {
          errorCode: failure.code,
        });
        return;
    }
  }

  private async recordSent(
    claim: ClaimedDelivery,
    request: ItinerarySendRequest,
    receipt: SentReceipt,
    how: string,
  ): Promise<void> {
    const recorded = await inTenantTransaction(this.dataSource, claim.tenantId, async (manager) => {
      const ok = await this.deliveries.markSent(manager, claim, receipt, this.clock.now());
      if (ok) await this.events.delivered(manager, claim, request.destination.kind);
      return ok;
    });
    if (recorded) this.log('log', `itinerary ${how}`, claim);
    // Lost the claim to another sender: it reconciles, finds this message and records it.
    else this.log('warn', 'claim lost before recording the send', claim);
  }

  /** Gives up on a delivery: recorded, audited, and put in front of the coordinators. */
  private async fail(claim: ClaimedDelivery, errorCode: string): Promise<void> {
    const dedupeKey = `delivery:${claim.planId}:${claim.planVersion}:${claim.providerId}`;
    const provider = await this.roster.provider(claim.tenantId, claim.providerId);
    const failed = await inTenantTransaction(this.dataSource, claim.tenantId, async (manager) => {
      const ok = await this.deliveries.markFailed(manager, claim, errorCode);
      if (!ok) return false;
      await this.events.failed(manager, claim, errorCode);
      await this.notices.enqueue(
        manager,
        failedDeliveryEscalation({
          tenantId: claim.tenantId,
          deliveryKey: dedupeKey,
          providerName: provider?.displayName ?? claim.providerId,
          channel: claim.channel,
          days: claim.days,
          errorCode,
        }),
        noticeTargetsOf(this.config, claim.tenantId),
        this.clock.now(),
      );
      return true;
    });
    if (!failed) return;
    this.log('warn', 'itinerary delivery failed', claim, { errorCode });
    await this.exceptions.report({
      tenantId: claim.tenantId,
      kind: 'delivery-failed',
      reason: errorCode,
      planId: claim.planId,
      planVersion: claim.planVersion,
      providerId: claim.providerId,
      dedupeKey,
      detail: { channel: claim.channel, days: claim.days.join(',') },
    });
  }

  private retryAt(attempts: number): Date {
    const delay = backoffDelayMs(attempts, {
      baseDelayMs: this.config.ITINERARY_DELIVERY_RETRY_BASE_MS,
      maxDelayMs: this.config.ITINERARY_DELIVERY_RETRY_MAX_MS,
    });
    return new Date(this.clock.now().getTime() + delay);
  }

  private async guarded(claim: ClaimedDelivery, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      // Database trouble while recording: the lease lapses and reconciliation takes over.
      this.log('error', 'delivery round failed', claim, {
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  private log(
    level: 'log' | 'warn' | 'error',
    message: string,
    claim: ClaimedDelivery,
    extra: Record<string, string> = {},
  ): void {
    // Ids and codes only: addresses and itinerary text never reach the log.
    this.logger[level]({
      message,
      deliveryId: claim.id,
      planId: claim.planId,
      planVersion: claim.planVersion,
      attempt: claim.attempts,
      ...extra,
    });
  }
}

function latest(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

function asChannelError(error: unknown): ChannelError {
  return error instanceof ChannelError
    ? error
    : new ChannelError(ChannelFailureKind.OutcomeUnknown, 'UNEXPECTED');
}
