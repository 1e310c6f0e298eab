import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { CLOCK, type Clock } from '@caredispatch/platform';

import { MessageEvents } from './message-events';
import {
  MessageState,
  type MessageTransition,
  nextMessageState,
  parseMessageTransition,
} from './message-state';
import { type MessageEntity } from './message.entity';
import { MessageRepository } from './message.repository';

export interface ProviderStatusReport {
  /** What the report means for our state machine; undefined for statuses that change nothing. */
  readonly transition: MessageTransition | undefined;
  readonly providerMessageId: string;
  readonly errorCode: string | null;
}

/**
 * Applies provider delivery reports to messages, forward only, with their events. Used for
 * reports as they arrive and for reports that arrived before the message's provider id was
 * recorded, once it is.
 */
@Injectable()
export class ProviderStatusRecorder {
  constructor(
    private readonly messages: MessageRepository,
    private readonly events: MessageEvents,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** For a message the caller has locked. Returns the new state, or undefined when the report changes nothing. */
  async apply(
    manager: EntityManager,
    message: MessageEntity,
    report: ProviderStatusReport,
  ): Promise<MessageState | undefined> {
    const next = report.transition && nextMessageState(message.state, report.transition);
    if (!next) return undefined;
    await this.messages.applyProviderStatus(manager, {
      id: message.id,
      state: next,
      errorCode: report.errorCode,
      now: this.clock.now(),
    });
    switch (next) {
      case MessageState.Delivered:
        await this.events.delivered(manager, message, report.providerMessageId);
        break;
      case MessageState.Undelivered:
      case MessageState.Failed:
        await this.events.failed(manager, message, {
          undelivered: next === MessageState.Undelivered,
          providerMessageId: report.providerMessageId,
          errorCode: report.errorCode ?? '',
        });
        break;
      case MessageState.Queued:
      case MessageState.Sending:
      case MessageState.Sent:
      case MessageState.Cancelled:
      case MessageState.Suppressed:
      case MessageState.Expired:
        break;
    }
    return next;
  }

  /**
   * Applies, oldest first, the reports kept for `providerMessageId` because they came before
   * it was recorded. The caller holds the id's lock and has just recorded it on a message.
   */
  async applyEarly(manager: EntityManager, providerMessageId: string): Promise<number> {
    const reports = await this.messages.takeEarlyStatuses(manager, providerMessageId);
    let applied = 0;
    for (const report of reports) {
      // Re-read: each applied report moves the state and the causal chain on.
      const message = await this.messages.lockByProviderMessageId(manager, providerMessageId);
      if (!message) return applied;
      const next = await this.apply(manager, message, {
        transition: parseMessageTransition(report.transition),
        providerMessageId,
        errorCode: report.errorCode,
      });
      if (next) applied += 1;
    }
    return applied;
  }
}
