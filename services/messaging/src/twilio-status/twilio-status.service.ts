import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { inJobTransaction, scopeTransactionToTenant } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { ConsentService, TWILIO_UNSUBSCRIBED_RECIPIENT } from '../consent/consent.service';
import { EmailFallbackService } from '../fallback/email-fallback.service';
import { MessageRepository } from '../message/message.repository';
import { MessagingJobs } from '../message/messaging-jobs';
import { ProviderStatusRecorder } from '../message/provider-status-recorder';

import { type TwilioStatusCallback } from './dto/twilio-status-callback.dto';
import { transitionForTwilioStatus } from './twilio-status-transition';

export enum StatusUpdateOutcome {
  Applied = 'applied',
  /** Duplicate, out of order (e.g. `sent` after `delivered`) or not meaningful to us. */
  Ignored = 'ignored',
  /**
   * No message has this SID yet: the send's answer has not been recorded (slow, or lost and
   * awaiting reconciliation). Kept and applied when it is; Twilio does not retry a 4xx.
   */
  Deferred = 'deferred',
}

/** Applies Twilio delivery reports to messages, forward only; keeps the ones that come early. */
@Injectable()
export class TwilioStatusService {
  private readonly logger = new Logger(TwilioStatusService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: MessageRepository,
    private readonly statuses: ProviderStatusRecorder,
    private readonly consents: ConsentService,
    private readonly fallback: EmailFallbackService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Only for callbacks whose signature has been verified (TwilioSignatureGuard). */
  async apply(callback: TwilioStatusCallback): Promise<StatusUpdateOutcome> {
    const transition = transitionForTwilioStatus(callback.messageStatus);
    // The callback names the provider's id, not the tenant: the lookup runs as the status job,
    // and once the message is found the rest is scoped to its tenant.
    const outcome = await inJobTransaction(
      this.dataSource,
      MessagingJobs.TwilioStatus,
      async (manager) => {
        await this.messages.lockProviderMessageId(manager, callback.messageSid);
        const message = await this.messages.lockByProviderMessageId(manager, callback.messageSid);
        if (!message) {
          if (transition) {
            await this.messages.storeEarlyStatus(
              manager,
              callback.messageSid,
              {
                providerStatus: callback.messageStatus,
                transition,
                errorCode: callback.errorCode,
                messageId: callback.messageId,
              },
              this.clock.now(),
            );
          }
          return { outcome: StatusUpdateOutcome.Deferred, messageId: undefined, state: undefined };
        }
        await scopeTransactionToTenant(manager, message.tenantId);
        const next = await this.statuses.apply(manager, message, {
          transition,
          providerMessageId: callback.messageSid,
          errorCode: callback.errorCode,
        });
        if (next && callback.errorCode === TWILIO_UNSUBSCRIBED_RECIPIENT) {
          await this.consents.recordCarrierOptOut(manager, message, this.clock.now());
        }
        if (next && callback.errorCode !== null) {
          // 30003/30006: mark the number, send the step by email instead.
          await this.fallback.onTextFailed(manager, message, callback.errorCode, this.clock.now());
        }
        return next
          ? { outcome: StatusUpdateOutcome.Applied, messageId: message.id, state: next }
          : { outcome: StatusUpdateOutcome.Ignored, messageId: message.id, state: message.state };
      },
    );
    this.logger.log({
      message: 'status callback',
      outcome: outcome.outcome,
      messageId: outcome.messageId,
      state: outcome.state,
      providerStatus: callback.messageStatus,
    });
    return outcome.outcome;
  }
}
