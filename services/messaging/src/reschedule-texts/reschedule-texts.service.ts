import { Inject, Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  type EventEnvelope,
  type PatientRescheduleNeededV1,
  timestampDate,
} from '@caredispatch/contracts';
import { PermanentEventError } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { messageLanguageOf } from '../language/patient-language';
import { PatientLinkRepository } from '../links/patient-link.repository';
import { PatientLinksService } from '../links/patient-links.service';
import { MessageEvents } from '../message/message-events';
import { MessageState } from '../message/message-state';
import { MessageChannel, MessagePurpose } from '../message/message.entity';
import { MessageRepository } from '../message/message.repository';
import { DEFAULT_QUIET_HOURS, moveOutOfQuietHours } from '../reminders/planning/quiet-hours';
import { ReminderSettingsRepository } from '../reminders/settings/reminder-settings.repository';

import { renderRescheduleText } from './reschedule-text';
import { RescheduleTextState } from './reschedule-text.entity';
import { type RescheduleRequest, RescheduleTextRepository } from './reschedule-text.repository';

/** How far past quiet hours a text may wait: the next morning's opening is always within it. */
const QUIET_HOURS_HORIZON_MS = 24 * 3_600_000;
/** The link stays usable at least this long, even when the visit it was for has passed. */
const MIN_LINK_LIFETIME_MS = 72 * 3_600_000;

export enum RescheduleTextSuppression {
  NoPhoneNumber = 'no_phone_number',
}

/**
 * "We need to reschedule" texts for visits a re-plan left without a provider
 * (`dispatch.reschedule.v1`). Runs in the consumer's inbox transaction and writes only the
 * database: the sender sends the queued `message` row (purpose `reschedule_needed`, at the
 * appointment's current revision), so consent, quiet hours and "still true at send time" —
 * a later cancellation or move withdraws it — are the sender's rules, as for every text.
 * A request for an appointment messaging has not seen yet waits for its booking.
 */
@Injectable()
export class RescheduleTextsService {
  private readonly logger = new Logger(RescheduleTextsService.name);

  constructor(
    private readonly requests: RescheduleTextRepository,
    private readonly appointments: PatientLinkRepository,
    private readonly messages: MessageRepository,
    private readonly events: MessageEvents,
    private readonly links: PatientLinksService,
    private readonly settingsStore: ReminderSettingsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async rescheduleNeeded(
    manager: EntityManager,
    envelope: EventEnvelope,
    event: PatientRescheduleNeededV1,
  ): Promise<void> {
    if (!event.appointmentStart) {
      throw new PermanentEventError('CONTRACT_VIOLATION', 'reschedule without appointment start');
    }
    const request: RescheduleRequest = {
      tenantId: envelope.tenantId,
      appointmentId: event.appointmentId,
      appointmentStart: timestampDate(event.appointmentStart),
      correlationId: envelope.correlationId,
      eventId: envelope.eventId,
    };
    const now = this.clock.now();
    await this.requests.lockAppointment(manager, request.tenantId, request.appointmentId);
    if (!(await this.requests.insertIfAbsent(manager, request, now))) return;
    await this.act(manager, request, now);
  }

  /**
   * Messaging recorded a new revision of the appointment (scheduling.appointment.v1): a request
   * that was waiting for it is texted now, or closed if the visit was cancelled or moved.
   */
  async appointmentRecorded(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
  ): Promise<void> {
    await this.requests.lockAppointment(manager, tenantId, appointmentId);
    const now = this.clock.now();
    for (const request of await this.requests.pendingFor(manager, tenantId, appointmentId)) {
      await this.act(manager, request, now);
    }
  }

  private async act(manager: EntityManager, request: RescheduleRequest, now: Date): Promise<void> {
    const { tenantId, appointmentId } = request;
    const appointment = await this.appointments.findAppointment(manager, tenantId, appointmentId);
    if (appointment === undefined) {
      this.log(request, 'waiting for the appointment');
      return;
    }
    // Cancelled or moved since the re-plan: the patient already has (or gets) the office's word.
    if (
      appointment.cancelled ||
      appointment.start.getTime() !== request.appointmentStart.getTime()
    ) {
      await this.requests.settle(manager, request, RescheduleTextState.Closed, null, now);
      this.log(request, 'closed: visit cancelled or moved');
      return;
    }

    const recipient = await this.requests.recipientOf(manager, tenantId, appointmentId);
    const id = this.messages.newId();
    const subject = { tenantId, appointmentId };
    const { settings } = await this.settingsStore.settingsOf(tenantId, manager);
    const language = messageLanguageOf(appointment.patientLanguage, settings.defaultLanguage);
    const link =
      recipient === null
        ? undefined
        : this.links.prepare({
            ...subject,
            revision: appointment.revision,
            start: appointment.start,
            messageId: id,
            correlationId: request.correlationId,
            expiresAt: new Date(
              Math.max(
                appointment.start.getTime() - this.config.LINK_EXPIRY_BEFORE_START_MS,
                now.getTime() + MIN_LINK_LIFETIME_MS,
              ),
            ),
          });
    const dueAt =
      moveOutOfQuietHours(now, appointment.timeZone, DEFAULT_QUIET_HOURS, {
        notBefore: now,
        before: new Date(now.getTime() + QUIET_HOURS_HORIZON_MS),
      }) ?? now;
    const inserted = await this.messages.insertIfAbsent(manager, {
      id,
      ...subject,
      revision: appointment.revision,
      // No start: the visit is not going ahead at that time, so it cannot make the text late.
      appointmentStart: null,
      purpose: MessagePurpose.RescheduleNeeded,
      state: link === undefined ? MessageState.Suppressed : MessageState.Queued,
      toE164: recipient?.toE164 ?? null,
      body:
        link === undefined
          ? null
          : renderRescheduleText({
              practiceName: this.config.PRACTICE_NAMES.get(tenantId) ?? appointment.practiceName,
              link: link.url,
              language,
            }),
      suppressionReason: link === undefined ? RescheduleTextSuppression.NoPhoneNumber : null,
      correlationId: request.correlationId,
      lastEventId: request.eventId,
      traceparent: '',
      now,
      dueAt,
      patientId: recipient?.patientId ?? null,
    });
    // Not inserted: this visit revision already has its text (from an earlier request).
    const messageId = inserted ? id : null;
    await this.requests.settle(manager, request, RescheduleTextState.Queued, messageId, now);
    if (!inserted) return;
    if (link === undefined) {
      this.log(request, RescheduleTextSuppression.NoPhoneNumber, id);
      return;
    }
    await this.links.store(manager, link);
    await this.events.queued(manager, {
      id,
      ...subject,
      purpose: MessagePurpose.RescheduleNeeded,
      channel: MessageChannel.Sms,
      correlationId: request.correlationId,
      lastEventId: request.eventId,
    });
    this.log(request, 'queued', id, dueAt);
  }

  /** Ids and codes only: never the number or the text. */
  private log(request: RescheduleRequest, outcome: string, messageId?: string, dueAt?: Date): void {
    this.logger.log({
      message: 'reschedule text',
      eventId: request.eventId,
      appointmentId: request.appointmentId,
      messageId,
      outcome,
      dueAt: dueAt?.toISOString(),
    });
  }
}
