import { Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { timestampFromDate } from '@caredispatch/contracts';
import { OutboxWriter } from '@caredispatch/kafka';

import { MessageEvents } from '../message/message-events';
import { MessageState } from '../message/message-state';
import { MessageChannel, MessagePurpose } from '../message/message.entity';
import { MessageRepository } from '../message/message.repository';
import { emailFallbackStepKey } from '../message/reminder-step-key';

import { UndeliverableNumberRepository } from './undeliverable-number.repository';

/** Twilio errors that say texts will not reach this number: unreachable handset, landline. */
export const UNDELIVERABLE_NUMBER_ERRORS: ReadonlySet<string> = new Set(['30003', '30006']);

/** The text a fallback stands in for: a message row with its decrypted fallback. */
export interface FallbackSource {
  readonly id: string;
  readonly tenantId: string;
  readonly appointmentId: string;
  readonly revision: number;
  readonly appointmentStart: Date | null;
  readonly purpose: MessagePurpose;
  readonly channel: MessageChannel;
  readonly stepKey: string;
  readonly patientId: string | null;
  readonly toLookupHash: string | null;
  readonly fallbackTo: string | null;
  readonly fallbackBody: string | null;
  readonly correlationId: string;
  readonly lastEventId: string;
}

/**
 * Delivery fallback: a text Twilio could not deliver because of the number (30003, 30006) marks
 * the number for the tenant and queues the step's email instead; a later reminder text to a
 * marked number is withdrawn at its claim and replaced the same way. The email is rendered at
 * planning (fallback_to / fallback_body) and exists only where the patient had an address and
 * email consent then; consent is checked again when the email is sent, like every message.
 * Runs in the message tenant's transaction, so mark, email and events commit together.
 */
@Injectable()
export class EmailFallbackService {
  private readonly logger = new Logger(EmailFallbackService.name);

  constructor(
    private readonly numbers: UndeliverableNumberRepository,
    private readonly messages: MessageRepository,
    private readonly events: MessageEvents,
    private readonly outbox: OutboxWriter,
  ) {}

  /** After a text failed with `errorCode`; does nothing unless it is a number error. */
  async onTextFailed(
    manager: EntityManager,
    source: FallbackSource,
    errorCode: string,
    now: Date,
  ): Promise<boolean> {
    if (source.channel !== MessageChannel.Sms || !UNDELIVERABLE_NUMBER_ERRORS.has(errorCode)) {
      return false;
    }
    if (source.toLookupHash !== null) {
      await this.numbers.mark(manager, {
        tenantId: source.tenantId,
        toLookupHash: source.toLookupHash,
        errorCode,
        evidenceMessageId: source.id,
        now,
      });
    }
    return this.queueEmail(manager, source, now);
  }

  /** Queues the step's email stand-in, due now; false when it has none or it exists already. */
  async queueEmail(manager: EntityManager, source: FallbackSource, now: Date): Promise<boolean> {
    if (
      source.purpose !== MessagePurpose.Reminder ||
      source.fallbackTo === null ||
      source.fallbackBody === null
    ) {
      return false;
    }
    const id = this.messages.newId();
    const stepKey = emailFallbackStepKey(source.stepKey);
    const message = {
      id,
      tenantId: source.tenantId,
      appointmentId: source.appointmentId,
      revision: source.revision,
      purpose: MessagePurpose.Reminder,
      channel: MessageChannel.Email,
      stepKey,
      correlationId: source.correlationId,
      lastEventId: source.lastEventId,
      patientId: source.patientId,
    };
    const inserted = await this.messages.insertIfAbsent(manager, {
      ...message,
      appointmentStart: source.appointmentStart,
      state: MessageState.Queued,
      toE164: source.fallbackTo,
      body: source.fallbackBody,
      suppressionReason: null,
      traceparent: '',
      now,
      dueAt: now,
    });
    if (!inserted) return false;
    await this.outbox.append(manager, {
      type: 'ReminderPlannedV1',
      tenantId: source.tenantId,
      aggregateId: source.appointmentId,
      correlationId: source.correlationId,
      payload: { step: this.events.reminderStepOf(message), dueAt: timestampFromDate(now) },
    });
    await this.events.queued(manager, message);
    // Ids only.
    this.logger.log({ message: 'email fallback queued', messageId: id, replaces: source.id });
    return true;
  }
}
