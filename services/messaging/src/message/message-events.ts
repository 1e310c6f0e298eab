import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import {
  type EventPayloadInit,
  type EventTypesOf,
  MessageChannel as ContractChannel,
  MessagePurpose as ContractPurpose,
  MessageStatus as ContractStatus,
  ReminderChannel,
  ReminderSuppressionReason,
  timestampFromDate,
  Topics,
  WithdrawalReason as ContractWithdrawalReason,
} from '@caredispatch/contracts';
import { OutboxWriter } from '@caredispatch/kafka';

import { MessageChannel, MessagePurpose } from './message.entity';
import { MessageRepository } from './message.repository';
import { isEmailFallbackStep } from './reminder-step-key';
import { WithdrawalReason } from './withdrawal-reason';

type MessageEventType = EventTypesOf<typeof Topics.MessagingMessageV1>;

/** The message fields every event repeats. Ids only: message events never carry PHI. */
export interface MessageEventSubject {
  readonly id: string;
  readonly tenantId: string;
  readonly appointmentId: string;
  readonly purpose: MessagePurpose;
  readonly channel: MessageChannel;
  readonly correlationId: string;
  /** Id of the previous event in this message's causal chain. */
  readonly lastEventId: string;
  /** Reminders: the step and revision, so messaging.reminder.v1 can tell the step's fate too. */
  readonly stepKey?: string;
  readonly revision?: number;
  readonly patientId?: string | null;
  readonly sentAt?: Date | null;
}

/**
 * Stages `messaging.message.v1` events in the caller's transaction and advances the
 * message's causal chain, so the audit trail reads appointment event → queued → sent →
 * delivered under one correlation id. Keyed by appointment id, like the events that caused
 * them, so one appointment's story stays in one partition and in order.
 */
@Injectable()
export class MessageEvents {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly messages: MessageRepository,
  ) {}

  async queued(manager: EntityManager, subject: MessageEventSubject): Promise<void> {
    await this.publish(manager, subject, {
      type: 'MessageQueuedV1',
      payload: { ...this.fields(subject), status: ContractStatus.QUEUED },
    });
  }

  async sent(
    manager: EntityManager,
    subject: MessageEventSubject,
    providerMessageId: string,
  ): Promise<void> {
    await this.publish(manager, subject, {
      type: 'MessageSentV1',
      payload: { ...this.fields(subject), status: ContractStatus.SENT, providerMessageId },
    });
    const step = this.reminderStep(subject);
    if (step) {
      await this.outbox.append(manager, {
        type: 'ReminderSentV1',
        tenantId: subject.tenantId,
        aggregateId: subject.appointmentId,
        correlationId: subject.correlationId,
        payload: {
          step,
          sentAt: timestampFromDate(subject.sentAt ?? new Date()),
          fallback: isEmailFallbackStep(subject.stepKey ?? ''),
        },
      });
    }
  }

  async delivered(
    manager: EntityManager,
    subject: MessageEventSubject,
    providerMessageId: string,
  ): Promise<void> {
    await this.publish(manager, subject, {
      type: 'MessageDeliveredV1',
      payload: { ...this.fields(subject), status: ContractStatus.DELIVERED, providerMessageId },
    });
  }

  async failed(
    manager: EntityManager,
    subject: MessageEventSubject,
    failure: { undelivered: boolean; providerMessageId: string | null; errorCode: string },
  ): Promise<void> {
    await this.publish(manager, subject, {
      type: 'MessageFailedV1',
      payload: {
        ...this.fields(subject),
        status: failure.undelivered ? ContractStatus.UNDELIVERED : ContractStatus.FAILED,
        providerMessageId: failure.providerMessageId ?? '',
        errorCode: failure.errorCode,
      },
    });
  }

  /** The message will never be sent: its appointment was cancelled or changed first. */
  async withdrawn(
    manager: EntityManager,
    subject: MessageEventSubject,
    withdrawal: { reason: WithdrawalReason; messageRevision: number; appointmentRevision: number },
  ): Promise<void> {
    await this.publish(manager, subject, {
      type: 'MessageWithdrawnV1',
      payload: {
        ...this.fields(subject),
        status: ContractStatus.WITHDRAWN,
        reason: CONTRACT_WITHDRAWAL_REASON[withdrawal.reason],
        messageRevision: withdrawal.messageRevision,
        appointmentRevision: withdrawal.appointmentRevision,
      },
    });
    const step = this.reminderStep(subject);
    if (step) {
      await this.outbox.append(manager, {
        type: 'ReminderWithdrawnV1',
        tenantId: subject.tenantId,
        aggregateId: subject.appointmentId,
        correlationId: subject.correlationId,
        payload: { step, reason: REMINDER_WITHDRAWAL_REASON[withdrawal.reason] },
      });
    }
  }

  /** The step of a reminder message, for a ReminderPlannedV1 its caller publishes. */
  reminderStepOf(subject: MessageEventSubject): ReminderStepInit | undefined {
    return this.reminderStep(subject);
  }

  /** The reminder step a message is, for messaging.reminder.v1; undefined for other messages. */
  private reminderStep(subject: MessageEventSubject): ReminderStepInit | undefined {
    if (subject.purpose !== MessagePurpose.Reminder || !subject.stepKey || !subject.revision) {
      return undefined;
    }
    return {
      appointmentId: subject.appointmentId,
      appointmentRevision: subject.revision,
      stepKey: subject.stepKey,
      channel: CONTRACT_REMINDER_CHANNEL[subject.channel],
      messageId: subject.id,
      patientId: subject.patientId ?? '',
    };
  }

  /** The message will never be sent: the visit had started, or was too close, when it could go out. */
  async expired(
    manager: EntityManager,
    subject: MessageEventSubject,
    appointmentStart: Date,
  ): Promise<void> {
    await this.publish(manager, subject, {
      type: 'MessageExpiredV1',
      payload: {
        ...this.fields(subject),
        status: ContractStatus.EXPIRED,
        appointmentStart: timestampFromDate(appointmentStart),
      },
    });
  }

  private async publish<T extends MessageEventType>(
    manager: EntityManager,
    subject: MessageEventSubject,
    event: { type: T; payload: EventPayloadInit<T> },
  ): Promise<void> {
    const envelope = await this.outbox.append(manager, {
      type: event.type,
      payload: event.payload,
      tenantId: subject.tenantId,
      aggregateId: subject.appointmentId,
      correlationId: subject.correlationId,
      causationId: subject.lastEventId,
    });
    await this.messages.setLastEventId(manager, subject.id, envelope.eventId);
  }

  private fields(subject: MessageEventSubject): {
    messageId: string;
    appointmentId: string;
    channel: ContractChannel;
    purpose: ContractPurpose;
  } {
    return {
      messageId: subject.id,
      appointmentId: subject.appointmentId,
      channel: CONTRACT_CHANNEL[subject.channel],
      purpose: CONTRACT_PURPOSE[subject.purpose],
    };
  }
}

type ReminderStepInit = NonNullable<EventPayloadInit<'ReminderPlannedV1'>['step']>;

const CONTRACT_REMINDER_CHANNEL: Readonly<Record<MessageChannel, ReminderChannel>> = {
  [MessageChannel.Sms]: ReminderChannel.SMS,
  [MessageChannel.Email]: ReminderChannel.EMAIL,
};

const REMINDER_WITHDRAWAL_REASON: Readonly<Record<WithdrawalReason, ReminderSuppressionReason>> = {
  [WithdrawalReason.AppointmentCancelled]: ReminderSuppressionReason.CANCELLED,
  [WithdrawalReason.AppointmentSuperseded]: ReminderSuppressionReason.RESCHEDULED,
  [WithdrawalReason.ConsentWithdrawn]: ReminderSuppressionReason.CONSENT,
  [WithdrawalReason.NumberUndeliverable]: ReminderSuppressionReason.NUMBER_UNDELIVERABLE,
};

const CONTRACT_CHANNEL: Readonly<Record<MessageChannel, ContractChannel>> = {
  [MessageChannel.Sms]: ContractChannel.SMS,
  [MessageChannel.Email]: ContractChannel.EMAIL,
};

const CONTRACT_PURPOSE: Readonly<Record<MessagePurpose, ContractPurpose>> = {
  [MessagePurpose.Confirmation]: ContractPurpose.CONFIRMATION,
  [MessagePurpose.Reminder]: ContractPurpose.REMINDER,
  [MessagePurpose.Reply]: ContractPurpose.REPLY,
  [MessagePurpose.WaitlistOffer]: ContractPurpose.WAITLIST_OFFER,
  [MessagePurpose.RescheduleNeeded]: ContractPurpose.RESCHEDULE_NEEDED,
};

const CONTRACT_WITHDRAWAL_REASON: Readonly<Record<WithdrawalReason, ContractWithdrawalReason>> = {
  [WithdrawalReason.AppointmentCancelled]: ContractWithdrawalReason.APPOINTMENT_CANCELLED,
  [WithdrawalReason.AppointmentSuperseded]: ContractWithdrawalReason.APPOINTMENT_SUPERSEDED,
  [WithdrawalReason.ConsentWithdrawn]: ContractWithdrawalReason.CONSENT_WITHDRAWN,
  [WithdrawalReason.NumberUndeliverable]: ContractWithdrawalReason.NUMBER_UNDELIVERABLE,
};
