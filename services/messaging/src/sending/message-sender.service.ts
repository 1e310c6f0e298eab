import { Inject, Injectable, Logger } from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { DataSource } from 'typeorm';

import { backoffDelayMs, inTenantTransaction } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { ConsentService, TWILIO_UNSUBSCRIBED_RECIPIENT } from '../consent/consent.service';
import { EmailFallbackService } from '../fallback/email-fallback.service';
import { MessageEvents } from '../message/message-events';
import { MessageState } from '../message/message-state';
import { MessageChannel, MessagePurpose } from '../message/message.entity';
import { type ClaimedMessage, MessageRepository } from '../message/message.repository';
import { ProviderStatusRecorder } from '../message/provider-status-recorder';
import { WithdrawalReason } from '../message/withdrawal-reason';
import { EmailUnsubscribeService } from '../unsubscribe/email-unsubscribe.service';

import { DeliveryFailureKind, DeliveryGatewayError } from './delivery-failure';
import { decideDispatch, type DispatchDecision } from './dispatch-decision';
import { parseEmailContent } from './email-content';
import { EMAIL_GATEWAY, type EmailGateway } from './email-gateway.port';
import { SMS_GATEWAY, type SmsGateway } from './sms-gateway.port';

/** Path of the status callback endpoint (see TwilioStatusController). */
export const STATUS_CALLBACK_PATH = '/v1/twilio/status';

/** Tolerated difference between our clock and the provider's when reconciling. */
const RECONCILE_CLOCK_SKEW_MS = 5 * 60_000;

export const RETRIES_EXHAUSTED = 'RETRIES_EXHAUSTED';

/** Within the list-lag grace, an unlisted message is looked up this many times (plus once at its end). */
const LIST_LOOKUPS_PER_GRACE = 4;

const tracer = trace.getTracer('messaging');

/**
 * Sends queued messages, exactly once per message, and never one that has become wrong:
 *  1. claim (`queued` → `sending`, committed) — from here a crash leaves a visible trace —
 *     reading the appointment's newest revision in the same statement;
 *  2. withdraw it if the appointment was cancelled or changed since it was queued, expire it
 *     if the visit is too close; otherwise call the provider;
 *  3. record the outcome (`sent` + MessageSentV1 in one transaction).
 * A message whose lease lapses in `sending` (crash between 2 and 3, or an ambiguous
 * provider error) is never sent blind again: reconcile() asks the provider first, and only
 * once no answer to the attempt can still be in flight (the lease taken at the claim runs
 * past the request timeout by more than the timeout itself). What the provider has was sent,
 * and is recorded so, whatever happened to the appointment meanwhile: a status callback that
 * names the message (its StatusCallback URL carries our id) proves it, and so does the
 * provider's list. The list lags, so "not listed" counts only once the newest attempt is older
 * than its lease plus TWILIO_LIST_LAG_GRACE_MS; until then the message is looked up again.
 * What the provider then does not have is withdrawn, expired or sent again by the same rules
 * as a fresh message.
 * Emails take the same path through EMAIL_GATEWAY, except that SMTP has no list to ask: a lapsed
 * email is sent again (same Message-ID, see EmailGateway) unless it has become wrong meanwhile.
 * A reminder text to a number marked undeliverable is withdrawn at its claim and its email
 * stand-in queued (EmailFallbackService), as is the step of a text that fails with 30003/30006.
 */
@Injectable()
export class MessageSender {
  private readonly logger = new Logger(MessageSender.name);
  private readonly statusCallbackBase: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: MessageRepository,
    private readonly events: MessageEvents,
    private readonly statuses: ProviderStatusRecorder,
    private readonly consents: ConsentService,
    private readonly fallback: EmailFallbackService,
    private readonly unsubscribes: EmailUnsubscribeService,
    @Inject(SMS_GATEWAY) private readonly gateway: SmsGateway,
    @Inject(EMAIL_GATEWAY) private readonly emailGateway: EmailGateway,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
  ) {
    this.statusCallbackBase = `${config.PUBLIC_BASE_URL}${STATUS_CALLBACK_PATH}`;
  }

  /** One round: recover lapsed claims, then send what is due. Returns how many messages it handled. */
  async runOnce(): Promise<number> {
    const { SENDER_LEASE_MS: leaseMs, SENDER_BATCH_SIZE: batch } = this.config;
    const lapsed = await this.messages.claimExpiredLeases(this.clock.now(), leaseMs, batch);
    await Promise.all(
      lapsed.map((claim) =>
        this.inTrace(claim, `${claim.channel} reconcile`, () => this.reconcile(claim)),
      ),
    );
    const due = await this.messages.claimDue(this.clock.now(), leaseMs, batch);
    await Promise.all(
      due.map((claim) => this.inTrace(claim, `${claim.channel} send`, () => this.dispatch(claim))),
    );
    return lapsed.length + due.length;
  }

  /** A freshly claimed message: the provider certainly does not have it yet. */
  private async dispatch(claim: ClaimedMessage): Promise<void> {
    const decision = this.decide(claim);
    if (decision.action !== 'send') await this.abandon(claim, decision);
    else if (claim.channel === MessageChannel.Email) await this.deliverEmail(claim);
    else await this.deliver(claim);
  }

  private decide(claim: ClaimedMessage): DispatchDecision {
    return decideDispatch({
      messageRevision: claim.revision,
      latestRevision: claim.latestRevision,
      appointmentCancelled: claim.appointmentCancelled,
      appointmentStart: claim.appointmentStart,
      now: this.clock.now(),
      minLeadMs: this.config.CONFIRMATION_MIN_LEAD_MS,
      consentWithdrawn: claim.consentWithdrawn,
      isReply: claim.purpose === MessagePurpose.Reply,
      numberUndeliverable:
        claim.numberUndeliverable &&
        claim.purpose === MessagePurpose.Reminder &&
        claim.channel === MessageChannel.Sms,
    });
  }

  private async deliverEmail(claim: ClaimedMessage): Promise<void> {
    let providerMessageId: string;
    try {
      const content = parseEmailContent(claim.body);
      ({ providerMessageId } = await this.emailGateway.send({
        messageId: claim.id,
        to: claim.toE164,
        ...content,
        // One-click unsubscribe (RFC 8058) withdraws this patient's email consent.
        ...(claim.patientId
          ? {
              unsubscribeUrl: this.unsubscribes.urlFor({
                tenantId: claim.tenantId,
                patientId: claim.patientId,
                messageId: claim.id,
              }),
            }
          : {}),
      }));
    } catch (error) {
      await this.handleSendFailure(claim, asGatewayError(error));
      return;
    }
    await this.recordSent(claim, providerMessageId, 'sent');
  }

  /**
   * A lapsed email: SMTP cannot say whether the relay took it, so it is sent again (same
   * Message-ID) by the rules of a fresh message — never once it has become wrong.
   */
  private async reconcileEmail(claim: ClaimedMessage): Promise<void> {
    await this.sendAgainOrSettle(claim, 'SMTP_OUTCOME_UNKNOWN', 'email outcome unknown; re-queued');
  }

  /**
   * A held message the provider does not have (or, for email, cannot be asked about): as if
   * never sent — withdrawn or expired if it has become wrong, failed once out of attempts,
   * otherwise queued again at once.
   */
  private async sendAgainOrSettle(
    claim: ClaimedMessage,
    errorCode: string,
    logMessage: string,
  ): Promise<void> {
    const decision = this.decide(claim);
    if (decision.action !== 'send') {
      await this.abandon(claim, decision);
      return;
    }
    if (claim.attempts >= this.config.SENDER_MAX_ATTEMPTS) {
      await this.recordFailed(claim, RETRIES_EXHAUSTED);
      return;
    }
    await this.messages.requeue(claim, this.clock.now(), errorCode, this.clock.now());
    this.log('log', logMessage, claim);
  }

  private async deliver(claim: ClaimedMessage): Promise<void> {
    let providerMessageId: string;
    try {
      ({ providerMessageId } = await this.gateway.send({
        to: claim.toE164,
        body: claim.body,
        // Our id in the URL lets a report that overtakes the answer prove what was sent.
        statusCallbackUrl: `${this.statusCallbackBase}?messageId=${claim.id}`,
      }));
    } catch (error) {
      await this.handleSendFailure(claim, asGatewayError(error));
      return;
    }
    await this.recordSent(claim, providerMessageId, 'sent');
  }

  /** Finds out whether the provider already has this message; re-queues only if it does not. */
  private async reconcile(claim: ClaimedMessage): Promise<void> {
    if (claim.channel === MessageChannel.Email) {
      await this.reconcileEmail(claim);
      return;
    }
    const reported = (await this.messages.unrecordedProviderIdsReportedFor(claim.id)).at(0);
    if (reported !== undefined) {
      await this.recordSent(claim, reported, 'confirmed by an early status callback');
      return;
    }
    const since = new Date(claim.firstAttemptAt.getTime() - RECONCILE_CLOCK_SKEW_MS);
    let candidates;
    try {
      candidates = await this.gateway.findRecent({ to: claim.toE164, since });
    } catch (error) {
      // Cannot tell: keep it in `sending` and ask again later. Sending blind could text twice.
      const failure = asGatewayError(error);
      await this.messages.deferToReconciliation(
        claim,
        this.retryAt(claim.attempts),
        failure.code,
        this.clock.now(),
      );
      this.log('warn', 'reconciliation deferred', claim, { errorCode: failure.code });
      return;
    }
    const sameText = candidates.filter(
      (candidate) => candidate.body === claim.body && candidate.to === claim.toE164,
    );
    const taken = await this.messages.knownProviderMessageIds(
      sameText.map((c) => c.providerMessageId),
    );
    // Oldest unclaimed match: the attempt that reached the provider first.
    const ours = sameText.filter((c) => !taken.has(c.providerMessageId)).at(-1);
    if (ours) {
      await this.recordSent(claim, ours.providerMessageId, 'found by reconciliation');
      return;
    }
    const now = this.clock.now();
    const conclusiveAt = this.listConclusiveAt(claim);
    if (now.getTime() < conclusiveAt.getTime()) {
      // Not listed (yet): the list may lag. Neither send nor withdraw: ask again later.
      const lookAgainMs = Math.ceil(this.config.TWILIO_LIST_LAG_GRACE_MS / LIST_LOOKUPS_PER_GRACE);
      await this.messages.deferToReconciliation(
        claim,
        earliest(new Date(now.getTime() + lookAgainMs), conclusiveAt),
        null,
        now,
      );
      this.log('log', 'not listed yet; will look again', claim);
      return;
    }
    // The provider does not have it: from here it is as if never sent.
    await this.sendAgainOrSettle(claim, 'RECONCILED_NOT_FOUND', 'not at provider; re-queued');
  }

  private async handleSendFailure(
    claim: ClaimedMessage,
    failure: DeliveryGatewayError,
  ): Promise<void> {
    switch (failure.kind) {
      case DeliveryFailureKind.Rejected:
        await this.recordFailed(claim, failure.code);
        return;
      case DeliveryFailureKind.NotAccepted:
        if (claim.attempts >= this.config.SENDER_MAX_ATTEMPTS) {
          await this.recordFailed(claim, RETRIES_EXHAUSTED);
          return;
        }
        await this.messages.requeue(
          claim,
          this.retryAt(claim.attempts),
          failure.code,
          this.clock.now(),
        );
        this.log('warn', 'provider did not accept; retry scheduled', claim, {
          errorCode: failure.code,
        });
        return;
      case DeliveryFailureKind.OutcomeUnknown:
        // Not before the claim's lease lapses: until then the provider may still act on the
        // request (a timeout is ours, not Twilio's) and its list may not show it yet.
        await this.messages.deferToReconciliation(
          claim,
          latest(this.retryAt(claim.attempts), claim.leaseExpiresAt),
          failure.code,
          this.clock.now(),
        );
        this.log('warn', 'outcome unknown; reconciliation scheduled', claim, {
          errorCode: failure.code,
        });
        return;
    }
  }

  private async recordSent(
    claim: ClaimedMessage,
    providerMessageId: string,
    how: string,
  ): Promise<void> {
    const recorded = await inTenantTransaction(this.dataSource, claim.tenantId, async (manager) => {
      await this.messages.lockProviderMessageId(manager, providerMessageId);
      const message = await this.messages.markSent(
        manager,
        claim,
        providerMessageId,
        this.clock.now(),
      );
      if (!message) return false;
      await this.events.sent(manager, message, providerMessageId);
      // Delivery reports that overtook this answer were kept for now.
      await this.statuses.applyEarly(manager, providerMessageId);
      return true;
    });
    if (recorded) this.log('log', `message ${how}`, claim, { providerMessageId });
    // Lost the claim (our lease lapsed and another sender took over): it will reconcile
    // against the provider, find this very message, and record it.
    else this.log('warn', 'claim lost before recording the send', claim, { providerMessageId });
  }

  /** Ends a held message the provider does not have without sending it, and says why. */
  private async abandon(
    claim: ClaimedMessage,
    decision: Exclude<DispatchDecision, { action: 'send' }>,
  ): Promise<void> {
    const state = decision.action === 'expire' ? MessageState.Expired : MessageState.Cancelled;
    await inTenantTransaction(this.dataSource, claim.tenantId, async (manager) => {
      const message = await this.messages.abandon(manager, claim, state, this.clock.now());
      if (!message) return;
      if (decision.action === 'withdraw') {
        await this.events.withdrawn(manager, message, {
          reason: decision.reason,
          messageRevision: claim.revision,
          appointmentRevision: claim.latestRevision ?? claim.revision,
        });
        if (decision.reason === WithdrawalReason.NumberUndeliverable) {
          await this.fallback.queueEmail(manager, message, this.clock.now());
        }
      } else if (claim.appointmentStart) {
        await this.events.expired(manager, message, claim.appointmentStart);
      }
    });
    this.log('log', decision.action === 'expire' ? 'message expired' : 'message withdrawn', claim, {
      ...(decision.action === 'withdraw' ? { reason: decision.reason } : {}),
    });
  }

  private async recordFailed(claim: ClaimedMessage, errorCode: string): Promise<void> {
    await inTenantTransaction(this.dataSource, claim.tenantId, async (manager) => {
      const message = await this.messages.markFailed(manager, claim, errorCode, this.clock.now());
      if (!message) return;
      await this.events.failed(manager, message, {
        undelivered: false,
        providerMessageId: null,
        errorCode,
      });
      if (errorCode === TWILIO_UNSUBSCRIBED_RECIPIENT) {
        await this.consents.recordCarrierOptOut(manager, message, this.clock.now());
      }
      await this.fallback.onTextFailed(manager, message, errorCode, this.clock.now());
    });
    this.log('warn', 'message failed', claim, { errorCode });
  }

  /** From when Twilio's list not showing the newest attempt means it was never accepted. */
  private listConclusiveAt(claim: ClaimedMessage): Date {
    const { SENDER_LEASE_MS: leaseMs, TWILIO_LIST_LAG_GRACE_MS: graceMs } = this.config;
    return new Date(claim.lastAttemptAt.getTime() + leaseMs + graceMs);
  }

  private retryAt(attempts: number): Date {
    const delay = backoffDelayMs(attempts, {
      baseDelayMs: this.config.SENDER_RETRY_BASE_MS,
      maxDelayMs: this.config.SENDER_RETRY_MAX_MS,
    });
    return new Date(this.clock.now().getTime() + delay);
  }

  /** Runs `work` in the trace of the event that queued the message, so one booking is one trace. */
  private inTrace(claim: ClaimedMessage, name: string, work: () => Promise<void>): Promise<void> {
    const parent = claim.traceparent
      ? propagation.extract(ROOT_CONTEXT, { traceparent: claim.traceparent })
      : context.active();
    return tracer.startActiveSpan(
      name,
      { attributes: { 'messaging.message_id': claim.id } },
      parent,
      async (span) => {
        try {
          await work();
        } catch (error) {
          // Database trouble while recording: the lease lapses and recovery takes over.
          span.setStatus({ code: SpanStatusCode.ERROR });

          this.log('error', 'send round failed', claim, {
            error: error instanceof Error ? error.name : 'unknown',
          });
        } finally {
          span.end();
        }
      },
    );
  }

  private log(
    level: 'log' | 'warn' | 'error',
    message: string,
    claim: ClaimedMessage,
    extra: Record<string, string> = {},
  ): void {
    // Ids and codes only: the number and the text are PHI.
    this.logger[level]({ message, messageId: claim.id, attempt: claim.attempts, ...extra });
  }
}

function latest(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

function earliest(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

function asGatewayError(error: unknown): DeliveryGatewayError {
  if (error instanceof DeliveryGatewayError) return error;
  return new DeliveryGatewayError(
    DeliveryFailureKind.OutcomeUnknown,
    'UNEXPECTED',
    'unexpected gateway error',
  );
}
