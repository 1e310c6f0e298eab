import { Inject, Injectable, Logger } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import { EntityManager } from 'typeorm';

import {
  type EventEnvelope,
  type ScheduledAppointment,
  timestampDate,
} from '@caredispatch/contracts';
import { PermanentEventError } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { messageLanguageOf } from '../language/patient-language';
import { type PreparedLink, PatientLinksService } from '../links/patient-links.service';
import { MessageEvents } from '../message/message-events';
import { MessageState } from '../message/message-state';
import { type MessageEntity, MessageChannel, MessagePurpose } from '../message/message.entity';
import { MessageRepository } from '../message/message.repository';
import { WithdrawalReason } from '../message/withdrawal-reason';
import { type ReminderLanguage } from '../reminders/planning/cadence';
import { ReminderSettingsRepository } from '../reminders/settings/reminder-settings.repository';

import { planConfirmation } from './confirmation-plan';
import { type ConfirmationKind } from './confirmation-text';

export enum ConfirmationOutcome {
  Queued = 'queued',
  Suppressed = 'suppressed',
  /** This revision (or a newer one) was handled before. */
  AlreadyHandled = 'already_handled',
}

/**
 * Turns appointment events into queued confirmation messages. Runs inside the consumer's
 * transaction and does no I/O besides the database: the SMS itself is the sender's job,
 * so a crash here can never leave a text sent but unrecorded.
 */
@Injectable()
export class ConfirmationService {
  private readonly logger = new Logger(ConfirmationService.name);

  constructor(
    private readonly messages: MessageRepository,
    private readonly events: MessageEvents,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
    private readonly links: PatientLinksService,
    private readonly settingsStore: ReminderSettingsRepository,
  ) {}

  async confirm(
    manager: EntityManager,
    envelope: EventEnvelope,
    appointment: ScheduledAppointment,
    kind: ConfirmationKind,
  ): Promise<ConfirmationOutcome> {
    const now = this.clock.now();
    const subject = { tenantId: envelope.tenantId, appointmentId: appointment.appointmentId };
    const advanced = await this.messages.advanceRevision(manager, {
      ...subject,
      revision: appointment.revision,
      cancelled: false,
      now,
      ehrAppointmentId: appointment.ehrAppointmentId,
    });
    if (!advanced) return this.done(envelope, ConfirmationOutcome.AlreadyHandled);

    // A confirmation for an earlier time that has not gone out yet would now be wrong. One a
    // sender holds is left to it: it re-reads this revision before it sends or re-sends.
    // Replies stay: "the office changed your visit, so your answer was not applied" is queued
    // just before the office's change arrives here, and must still reach the patient.
    const superseded = await this.messages.cancelUnsent(manager, {
      ...subject,
      beforeRevision: appointment.revision,
      now,
      keepReplies: true,
    });
    await this.reportWithdrawn(
      manager,
      superseded,
      WithdrawalReason.AppointmentSuperseded,
      appointment.revision,
    );

    const practiceName = this.config.PRACTICE_NAMES.get(envelope.tenantId);
    const id = this.messages.newId();
    // The text carries the patient's one-tap link for this revision (issue 10), stored below
    // only with the message itself.
    let link: PreparedLink | undefined;
    let language: ReminderLanguage | undefined;
    if (planConfirmation(appointment, kind, practiceName).action === 'send') {
      const { settings } = await this.settingsStore.settingsOf(envelope.tenantId, manager);
      language = messageLanguageOf(
        appointment.patient?.preferredLanguage,
        settings.defaultLanguage,
      );
      link = this.links.prepare({
        ...subject,
        revision: appointment.revision,
        start: startOf(appointment),
        messageId: id,
        correlationId: envelope.correlationId,
      });
    }
    const plan = planConfirmation(appointment, kind, practiceName, link?.url, language);
    const inserted = await this.messages.insertIfAbsent(manager, {
      id,
      ...subject,
      revision: appointment.revision,
      appointmentStart: startOf(appointment),
      purpose: MessagePurpose.Confirmation,
      state: plan.action === 'send' ? MessageState.Queued : MessageState.Suppressed,
      toE164: plan.action === 'send' ? plan.toE164 : null,
      body: plan.action === 'send' ? plan.body : null,
      suppressionReason: plan.action === 'suppress' ? plan.reason : null,
      correlationId: envelope.correlationId,
      lastEventId: envelope.eventId,
      traceparent: activeTraceparent(),
      now,
      patientId: appointment.patient?.patientId ?? null,
    });
    if (!inserted) return this.done(envelope, ConfirmationOutcome.AlreadyHandled);
    if (link) await this.links.store(manager, link);
    if (plan.action === 'suppress') {
      // messaging.message.v1 has no "suppressed" status yet; the row is the record.
      return this.done(envelope, ConfirmationOutcome.Suppressed, id, plan.reason);
    }
    await this.events.queued(manager, {
      id,
      ...subject,
      purpose: MessagePurpose.Confirmation,
      channel: MessageChannel.Sms,
      correlationId: envelope.correlationId,
      lastEventId: envelope.eventId,
    });
    return this.done(envelope, ConfirmationOutcome.Queued, id);
  }

  /** No confirmation for a cancelled appointment: unsent ones are withdrawn. */
  async withdraw(
    manager: EntityManager,
    envelope: EventEnvelope,
    appointment: ScheduledAppointment,
  ): Promise<number> {
    const now = this.clock.now();
    const subject = { tenantId: envelope.tenantId, appointmentId: appointment.appointmentId };
    const advanced = await this.messages.advanceRevision(manager, {
      ...subject,
      revision: appointment.revision,
      cancelled: true,
      now,
    });
    if (!advanced) {
      this.done(envelope, ConfirmationOutcome.AlreadyHandled);
      return 0;
    }
    // beforeRevision + 1: nothing exists at the cancellation's own revision, but being
    // inclusive costs nothing and keeps the rule "everything up to now" obvious.
    const cancelled = await this.messages.cancelUnsent(manager, {
      ...subject,
      beforeRevision: appointment.revision + 1,
      now,
    });
    await this.reportWithdrawn(
      manager,
      cancelled,
      WithdrawalReason.AppointmentCancelled,
      appointment.revision,
    );
    this.logger.log({
      message: 'confirmations withdrawn',
      eventId: envelope.eventId,
      appointmentId: appointment.appointmentId,
      cancelledMessageIds: cancelled.map((message) => message.id),
    });
    return cancelled.length;
  }

  private async reportWithdrawn(
    manager: EntityManager,
    withdrawn: readonly MessageEntity[],
    reason: WithdrawalReason,
    appointmentRevision: number,
  ): Promise<void> {
    for (const message of withdrawn) {
      await this.events.withdrawn(manager, message, {
        reason,
        messageRevision: message.revision,
        appointmentRevision,
      });
    }
  }

  private done(
    envelope: EventEnvelope,
    outcome: ConfirmationOutcome,
    messageId?: string,
    reason?: string,
  ): ConfirmationOutcome {
    // Ids and codes only: never the phone number or the text.
    this.logger.log({
      message: 'confirmation handled',
      outcome,
      eventId: envelope.eventId,
      messageId,
      reason,
    });
    return outcome;
  }
}

/** The contract's validation guarantees `start`; this narrows the proto3 optional. */
function startOf(appointment: ScheduledAppointment): Date {
  if (!appointment.start)
    throw new PermanentEventError('CONTRACT_VIOLATION', 'appointment event without start');
  return timestampDate(appointment.start);
}

/** The consumer span's context, stored with the message so the later provider call joins the trace. */
function activeTraceparent(): string {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'] ?? '';
}
