import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import {
  type AppointmentAddress,
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
import { UndeliverableNumberRepository } from '../../fallback/undeliverable-number.repository';
import { messageLanguageOf } from '../../language/patient-language';
import { PatientLinksService } from '../../links/patient-links.service';
import { MessageEvents } from '../../message/message-events';
import { MessageState } from '../../message/message-state';
import { MessageChannel, MessagePurpose } from '../../message/message.entity';
import { MessageRepository } from '../../message/message.repository';
import { emailFallbackStepKey } from '../../message/reminder-step-key';
import { serializeEmailContent } from '../../sending/email-content';
import { cadenceFor } from '../planning/cadence-settings';
import { DEFAULT_QUIET_HOURS } from '../planning/quiet-hours';
import {
  type PlannedReminder,
  planReminders,
  ReminderSuppressionReason,
} from '../planning/reminder-plan';
import { ReminderSettingsRepository } from '../settings/reminder-settings.repository';
import { ReminderTemplateRepository } from '../templates/reminder-template.repository';
import {
  type ReminderFacts,
  renderEmail,
  renderSms,
  resolveEmailTemplate,
  resolveSmsTemplate,
  type TemplateOverrides,
} from '../templates/reminder-templates';
import { overridesMap } from '../templates/template-overrides';

import { ReminderRecipientRepository } from './reminder-recipient.repository';

const E164 = /^\+[1-9]\d{1,14}$/;
/** The EHR edge validates addresses; this only keeps a blank or mangled one from being planned. */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
    private readonly undeliverable: UndeliverableNumberRepository,
    private readonly templates: ReminderTemplateRepository,
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
    // A number Twilio proved unreachable (30003) or a landline (30006) is not planned for.
    const undeliverable =
      toLookupHash !== null &&
      (await this.undeliverable.isMarked(manager, envelope.tenantId, toLookupHash));
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
    const email = appointment.patient?.email ?? '';
    const emailAddress = EMAIL_ADDRESS.test(email) ? email : null;
    // Email reminders are treatment communications the patient gave the practice an address
    // for: an address on file grants, an unsubscribe (or staff) withdraws, and that outranks it.
    const emailConsented = await this.consents.syncFromEhr(manager, {
      tenantId: envelope.tenantId,
      patientId,
      channel: ConsentChannelKind.Email,
      ehrFlag: emailAddress !== null,
      evidenceId: envelope.eventId,
      now,
      correlationId: envelope.correlationId,
    });
    const plan = planReminders({
      appointment: { start, timeZone: appointment.location.timeZone },
      cadence,
      patient: {
        language: messageLanguageOf(
          appointment.patient?.preferredLanguage,
          settings.defaultLanguage,
        ),
        timeZone: null,
        sms: { address: smsAddress, consented: smsConsented, undeliverable },
        email: { address: emailAddress, consented: emailConsented },
      },
      otherSmsReminders,
      limits: settings.limits,
      quietHours: DEFAULT_QUIET_HOURS,
      now,
    });

    // The tenant's own templates where it has them, else the shipped ones.
    const overrides: TemplateOverrides = plan.some((send) => send.outcome === 'send')
      ? overridesMap(await this.templates.overridesOf(envelope.tenantId, manager))
      : new Map();
    const practice = this.config.PRACTICE_NAMES.get(envelope.tenantId) ?? appointment.practiceName;
    const facts: ReminderFacts = {
      practice,
      firstName: appointment.patient?.givenName ?? '',
      start,
      timeZone: appointment.location.timeZone,
      locationName: appointment.location.name,
      locationAddress: oneLineAddress(appointment.location.address),
      link: '',
    };
    // A text step planned by email takes the key its claim-time fallback would use, so the
    // two can never both exist.
    const stepKeyOf = (send: PlannedReminder): string =>
      send.replacesText ? emailFallbackStepKey(send.stepKey) : send.stepKey;
    const stepOf = (send: PlannedReminder, messageId: string) => ({
      appointmentId: appointment.appointmentId,
      appointmentRevision: appointment.revision,
      stepKey: stepKeyOf(send),
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
      const id = this.messages.newId();
      const subject = { tenantId: envelope.tenantId, appointmentId: appointment.appointmentId };
      // Each reminder carries its own one-tap link for this revision (revoked when it changes),
      // stored only with the reminder's message row.
      const link = this.links.prepare({
        ...subject,
        revision: appointment.revision,
        start,
        messageId: id,
        correlationId: envelope.correlationId,
      });
      const rendered = this.render(
        send,
        overrides,
        appointmentType,
        { ...facts, link: link.url },
        {
          sms: smsAddress,
          email: emailAddress,
          // A text's email stand-in (Twilio 30003/30006) only where email is allowed now.
          fallbackEmail: emailConsented ? emailAddress : null,
        },
      );
      if (!rendered) continue;
      const inserted = await this.messages.insertIfAbsent(manager, {
        id,
        ...subject,
        revision: appointment.revision,
        appointmentStart: start,
        purpose: MessagePurpose.Reminder,
        stepKey: stepKeyOf(send),
        state: MessageState.Queued,
        ...rendered,
        suppressionReason: null,
        correlationId: envelope.correlationId,
        lastEventId: envelope.eventId,
        traceparent: '',
        now,
        dueAt: send.dueAt,
        patientId,
      });
      if (!inserted) continue;
      await this.links.store(manager, link);
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
        channel: rendered.channel,
        correlationId: envelope.correlationId,
        lastEventId: envelope.eventId,
        stepKey: stepKeyOf(send),
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
        step: stepKeyOf(send),
        channel: send.channel,
        outcome: send.outcome,
        ...(send.outcome === 'suppress' ? { reason: send.reason } : { dueAt: send.dueAt }),
      })),
    });
    return plan;
  }

  /** The step's message: address, text (an email serialized) and, for a text, its email stand-in. */
  private render(
    send: PlannedReminder,
    overrides: TemplateOverrides,
    appointmentType: string,
    facts: ReminderFacts,
    addresses: { sms: string | null; email: string | null; fallbackEmail: string | null },
  ):
    | {
        channel: MessageChannel;
        toE164: string;
        body: string;
        fallbackTo: string | null;
        fallbackBody: string | null;
      }
    | undefined {
    const email = (): string | undefined => {
      const template = resolveEmailTemplate(
        overrides,
        appointmentType,
        send.language,
        send.template,
      );
      return template && serializeEmailContent(renderEmail(template, send.language, facts));
    };
    if (send.channel === 'email') {
      const body = addresses.email === null ? undefined : email();
      if (addresses.email === null || body === undefined) return undefined;
      return {
        channel: MessageChannel.Email,
        toE164: addresses.email,
        body,
        fallbackTo: null,
        fallbackBody: null,
      };
    }
    if (addresses.sms === null) return undefined;
    const template = resolveSmsTemplate(overrides, appointmentType, send.language, send.template);
    if (!template) return undefined;
    const fallbackBody = addresses.fallbackEmail === null ? undefined : email();
    return {
      channel: MessageChannel.Sms,
      toE164: addresses.sms,
      body: renderSms(template, send.language, facts),
      fallbackTo: fallbackBody === undefined ? null : addresses.fallbackEmail,
      fallbackBody: fallbackBody ?? null,
    };
  }
}

/** "12 Main St, Springfield, IL 62701" — emails only; texts never carry the address. */
function oneLineAddress(address: AppointmentAddress | undefined): string {
  if (!address) return '';
  const region = [address.state, address.postalCode].filter(Boolean).join(' ');
  return [...address.lines, address.city, region].filter(Boolean).join(', ');
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
  [ReminderSuppressionReason.NumberUndeliverable]: ContractSuppressionReason.NUMBER_UNDELIVERABLE,
};
