import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import {
  causedBy,
  type EventEnvelope,
  ReminderChannel,
  ReminderSuppressionReason as ContractSuppressionReason,
  type ScheduledAppointment,
  timestampDate,
  timestampFromDate,
} from '@caredispatch/contracts';
import { OutboxWriter } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../../config';
import { ConsentChannelKind } from '../../consent/consent.entity';
import { ConsentService } from '../../consent/consent.service';
import { PatientLinksService } from '../../links/patient-links.service';
import { MessageEvents } from '../../message/message-events';
import { MessageState } from '../../message/message-state';
import { MessageChannel, MessagePurpose } from '../../message/message.entity';
import { MessageRepository } from '../../message/message.repository';
import { cadenceFor } from '../planning/cadence-settings';
import { DEFAULT_QUIET_HOURS } from '../planning/quiet-hours';
import {
  type PlannedReminder,
  planReminders,
  ReminderSuppressionReason,
} from '../planning/reminder-plan';
import { ReminderSettingsRepository } from '../settings/reminder-settings.repository';
import { renderSms, resolveSmsTemplate } from '../templates/reminder-templates';

import { ReminderRecipientRepository } from './reminder-recipient.repository';

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Plans an appointment revision's reminders into queued message rows due at their instants; the
 * existing sender claims them when due, with its lease, reconciliation and its rule that a
 * message no longer matching the appointment's newest revision is withdrawn at send time. A
 * reschedule is a new revision (its plan replaces the old one, whose unsent rows
 * ConfirmationService cancels); a cancellation withdraws them the same way.
 */
@Injectable()
export class ReminderScheduleService {
  private readonly logger = new Logger(ReminderScheduleService.name);

  constructor(
    private readonly messages: MessageRepository,
    private readonly recipients: ReminderRecipientRepository,
    private readonly events: MessageEvents,
    private readonly consents: ConsentService,
    private readonly outbox: OutboxWriter,
    private readonly settingsStore: ReminderSettingsRepository,
    private readonly links: PatientLinksService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
  ) {}

  /** Runs in the consumer's transaction, after ConfirmationService advanced the revision. */
  async plan(
    manager: EntityManager,
    envelope: EventEnvelope,
    appointment: ScheduledAppointment,
  ): Promise<PlannedReminder[]> {
    const now = this.clock.now();
    if (!appointment.start || !appointment.location) return [];
    const start = timestampDate(appointment.start);
    const { settings } = await this.settingsStore.settingsOf(envelope.tenantId, manager);
    // The scheduling contract carries the EHR's appointment-type code but no language or email
    // yet: English and SMS only until it does (see the issue's merge notes).
    const { name: appointmentType, cadence } = cadenceFor(
      settings,
      appointment.appointmentTypeCode ? [{ code: appointment.appointmentTypeCode }] : [],
    );
    const phone = appointment.patient?.phoneE164 ?? '';
    const smsAddress = E164.test(phone) ? phone : null;
    const toLookupHash = this.messages.lookupHash(envelope.tenantId, smsAddress);
    const otherSmsReminders = toLookupHash
      ? await this.recipients.otherSmsReminderDueTimes(manager, {
          tenantId: envelope.tenantId,
          toLookupHash,
          excludeAppointmentId: appointment.appointmentId,
          around: start,
        })
      : [];
    const patientId = appointment.patient?.patientId ?? '';
    // The consent record outranks the EHR flag (a STOP is not undone by the next booking).
    const smsConsented = await this.consents.syncFromEhr(manager, {
      tenantId: envelope.tenantId,
      patientId,
      channel: ConsentChannelKind.Sms,
      ehrFlag: appointment.patient?.smsConsent ?? false,
      evidenceId: envelope.eventId,
      now,
      correlationId: envelope.correlationId,
    });
    const plan = planReminders({
      appointment: { start, timeZone: appointment.location.timeZone },
      cadence,
      patient: {
        language: 'en',
        timeZone: null,
        sms: { address: smsAddress, consented: smsConsented },
        email: { address: null, consented: false },
      },
      otherSmsReminders,
      limits: settings.limits,
      quietHours: DEFAULT_QUIET_HOURS,
      now,
    });

    const practice = this.config.PRACTICE_NAMES.get(envelope.tenantId) ?? appointment.practiceName;
    const stepOf = (send: PlannedReminder, messageId: string) => ({
      appointmentId: appointment.appointmentId,
      appointmentRevision: appointment.revision,
      stepKey: send.stepKey,
      channel: send.channel === 'sms' ? ReminderChannel.SMS : ReminderChannel.EMAIL,
      messageId,
      patientId,
    });
    for (const send of plan) {
      if (send.outcome === 'suppress') {
        await this.outbox.append(manager, {
          type: 'ReminderSuppressedV1',
          tenantId: envelope.tenantId,
          aggregateId: appointment.appointmentId,
          ...causedBy(envelope),
          payload: { step: stepOf(send, ''), reason: CONTRACT_SUPPRESSION_REASON[send.reason] },
        });
        continue;
      }
      if (send.channel !== 'sms' || smsAddress === null) continue;
      const template = resolveSmsTemplate(new Map(), appointmentType, send.language, send.template);
      if (!template) continue;
      const id = this.messages.newId();
      const subject = { tenantId: envelope.tenantId, appointmentId: appointment.appointmentId };
      // Each reminder carries its own one-tap link for this revision (revoked when it changes).
      const link = await this.links.issue(manager, {
        ...subject,
        revision: appointment.revision,
        start,
        messageId: id,
        correlationId: envelope.correlationId,
      });
      const body = renderSms(template, send.language, {
        practice,
        firstName: appointment.patient?.givenName ?? '',
        start,
        timeZone: appointment.location.timeZone,
        locationName: appointment.location.name,
        locationAddress: '',
        link,
      });
      const inserted = await this.messages.insertIfAbsent(manager, {
        id,
        ...subject,
        revision: appointment.revision,
        appointmentStart: start,
        purpose: MessagePurpose.Reminder,
        stepKey: send.stepKey,
        state: MessageState.Queued,
        toE164: smsAddress,
        body,
        suppressionReason: null,
        correlationId: envelope.correlationId,
        lastEventId: envelope.eventId,
        traceparent: '',
        now,
        dueAt: send.dueAt,
        patientId,
      });
      if (!inserted) continue;
      await this.outbox.append(manager, {
        type: 'ReminderPlannedV1',
        tenantId: envelope.tenantId,
        aggregateId: appointment.appointmentId,
        ...causedBy(envelope),
        payload: { step: stepOf(send, id), dueAt: timestampFromDate(send.dueAt) },
      });
      await this.events.queued(manager, {
        id,
        ...subject,
        purpose: MessagePurpose.Reminder,
        channel: MessageChannel.Sms,
        correlationId: envelope.correlationId,
        lastEventId: envelope.eventId,
        stepKey: send.stepKey,
        revision: appointment.revision,
        patientId,
      });
    }
    // Ids, step keys and reasons only: never the number or the text.
    this.logger.log({
      message: 'reminders planned',
      eventId: envelope.eventId,
      appointmentId: appointment.appointmentId,
      steps: plan.map((send) => ({
        step: send.stepKey,
        channel: send.channel,
        outcome: send.outcome,
        ...(send.outcome === 'suppress' ? { reason: send.reason } : { dueAt: send.dueAt }),
      })),
    });
    return plan;
  }
}

/** Every planner reason as the contract's (quiet hours, limit, consent …) for the audit trail. */
const CONTRACT_SUPPRESSION_REASON: Readonly<
  Record<ReminderSuppressionReason, ContractSuppressionReason>
> = {
  [ReminderSuppressionReason.PastDue]: ContractSuppressionReason.PAST_DUE,
  [ReminderSuppressionReason.NotBeforeVisit]: ContractSuppressionReason.PAST_DUE,
  [ReminderSuppressionReason.QuietHours]: ContractSuppressionReason.QUIET_HOURS,
  [ReminderSuppressionReason.DailyLimit]: ContractSuppressionReason.LIMIT,
  [ReminderSuppressionReason.WeeklyLimit]: ContractSuppressionReason.LIMIT,
  [ReminderSuppressionReason.NoConsent]: ContractSuppressionReason.CONSENT,
  [ReminderSuppressionReason.NoAddress]: ContractSuppressionReason.NO_ADDRESS,
};
