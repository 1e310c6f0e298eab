import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { CLOCK, type Clock } from '@caredispatch/platform';

import { MessageEvents } from '../message/message-events';
import { MessageState, nextMessageState } from '../message/message-state';
import { MessageRepository } from '../message/message.repository';
import { MessagingError, MessagingErrorCode } from '../messaging.errors';

import { type TwilioStatusCallback } from './dto/twilio-status-callback.dto';
import { transitionForTwilioStatus } from './twilio-status-transition';

export enum StatusUpdateOutcome {
  Applied = 'applied',
  /** Duplicate, out of order (e.g. `sent` after `delivered`) or not meaningful to us. */
  Ignored = 'ignored',
}

/** Applies provider delivery reports to messages, forward only. */
@Injectable()
export class TwilioStatusService {
  private readonly logger = new Logger(TwilioStatusService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: MessageRepository,
    private readonly events: MessageEvents,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async apply(callback: TwilioStatusCallback): Promise<StatusUpdateOutcome> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const message = await this.messages.lockByProviderMessageId(manager, callback.messageSid);
      if (!message) {
        throw new MessagingError(
          MessagingErrorCode.MessageNotFound,
          'No message with this MessageSid',
          {
            messageSid: callback.messageSid,
          },
        );
      }
      const transition = transitionForTwilioStatus(callback.messageStatus);
      const next = transition && nextMessageState(message.state, transition);
      if (!next)
        return {
          outcome: StatusUpdateOutcome.Ignored,
          messageId: message.id,
          state: message.state,
        };

      await this.messages.applyProviderStatus(manager, {
        id: message.id,
        state: next,
        errorCode: callback.errorCode,
        now: this.clock.now(),
      });
      switch (next) {
        case MessageState.Delivered:
          await this.events.delivered(manager, message, callback.messageSid);
          break;
        case MessageState.Undelivered:
        case MessageState.Failed:
          await this.events.failed(manager, message, {
            undelivered: next === MessageState.Undelivered,
            providerMessageId: callback.messageSid,
            errorCode: callback.errorCode ?? '',
          });
          break;
        case MessageState.Queued:
        case MessageState.Sending:
        case MessageState.Sent:
        case MessageState.Cancelled:
        case MessageState.Suppressed:
          break;
      }
      return { outcome: StatusUpdateOutcome.Applied, messageId: message.id, state: next };
    });
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
