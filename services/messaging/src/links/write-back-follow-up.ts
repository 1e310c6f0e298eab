import { Inject, Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  type EventEnvelope,
  StaffInboxItemKind,
  WriteBackFailureReason,
  type WriteBackFailedV1,
} from '@caredispatch/contracts';
import { OutboxWriter } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { messageLanguageOf } from '../language/patient-language';
import { MessageEvents } from '../message/message-events';
import { MessageState } from '../message/message-state';
import { MessageChannel, MessagePurpose } from '../message/message.entity';
import { MessageRepository } from '../message/message.repository';

import { PatientLinkRepository } from './patient-link.repository';
import { PatientLinksService } from './patient-links.service';
import { staffInboxItem } from './staff-inbox';
import { renderWriteBackNotice, WriteBackNotice } from './write-back-notice';

/** The failures the patient is told about (the answer they gave did not happen). */
const PATIENT_NOTICE: Partial<Record<WriteBackFailureReason, WriteBackNotice>> = {
  [WriteBackFailureReason.SLOT_TAKEN]: WriteBackNotice.SlotTaken,
  [WriteBackFailureReason.SUPERSEDED_BY_STAFF]: WriteBackNotice.ChangedByOffice,
};

/**
 * ehr-gateway could not write a patient's answer back (`ehr.write-back.v1` WriteBackFailedV1):
 * - the link answer is marked failed, so the page no longer shows it as done;
 * - when a person must act, a staff inbox entry and a `messaging.staff-inbox.v1` item;
 * - when the answer simply did not happen (slot taken; the office changed the visit first), a
 *   text to the number the link was sent to, with a fresh link to the visit as it is now.
 * Runs in the consumer's transaction (the event's tenant); inbox-idempotent.
 */
@Injectable()
export class WriteBackFollowUp {
  private readonly logger = new Logger(WriteBackFollowUp.name);

  constructor(
    private readonly links: PatientLinkRepository,
    private readonly linkService: PatientLinksService,
    private readonly messages: MessageRepository,
    private readonly messageEvents: MessageEvents,
    private readonly outbox: OutboxWriter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async onFailed(
    manager: EntityManager,
    envelope: EventEnvelope,
    event: WriteBackFailedV1,
  ): Promise<void> {
    const now = this.clock.now();
    const tenantId = envelope.tenantId;
    // The enum's name (e.g. SLOT_TAKEN); a number from a newer producer stays a number.
    const reason = String(
      (WriteBackFailureReason[event.reason] as string | undefined) ?? event.reason,
    );
    const answer = await this.links.markWriteBackFailed(manager, {
      responseId: event.responseId,
      reason,
    });
    let staffItem = false;
    if (event.staffActionRequired) {
      const entryId = await this.links.insertStaffInboxEntry(manager, {
        tenantId,
        appointmentId: event.appointmentId,
        kind: 'write_back_failed',
        responseId: event.responseId,
        now,
      });
      if (entryId !== undefined) {
        staffItem = true;
        await this.outbox.append(
          manager,
          staffInboxItem({
            tenantId,
            appointmentId: event.appointmentId,
            correlationId: envelope.correlationId,
            causationId: envelope.eventId,
            kind: StaffInboxItemKind.WRITE_BACK_FAILED,
            responseId: event.responseId,
            writeBackFailure: reason,
            now,
          }),
        );
      }
    }
    const notice = PATIENT_NOTICE[event.reason];
    const told =
      notice !== undefined && answer?.messageId
        ? await this.tellPatient(manager, envelope, event, notice, answer.messageId, now)
        : false;
    // Ids and codes only.
    this.logger.log({
      message: 'write-back failure followed up',
      eventId: envelope.eventId,
      appointmentId: event.appointmentId,
      reason,
      linkAnswer: answer !== undefined,
      staffItem,
      patientTold: told,
    });
  }

  private async tellPatient(
    manager: EntityManager,
    envelope: EventEnvelope,
    event: WriteBackFailedV1,
    notice: WriteBackNotice,
    answeredMessageId: string,
    now: Date,
  ): Promise<boolean> {
    const tenantId = envelope.tenantId;
    const [answered, appointment] = await Promise.all([
      this.messages.findInTransaction(manager, answeredMessageId),
      this.links.findAppointment(manager, tenantId, event.appointmentId),
    ]);
    // A scrubbed number (retention) or a cancelled visit: nothing to text.
    if (!answered?.toE164 || !appointment || appointment.cancelled) return false;
    const id = this.messages.newId();
    const subject = { tenantId, appointmentId: event.appointmentId };
    const link = this.linkService.prepare({
      ...subject,
      revision: appointment.revision,
      start: appointment.start,
      messageId: id,
      correlationId: envelope.correlationId,
    });
    const inserted = await this.messages.insertIfAbsent(manager, {
      id,
      ...subject,
      revision: appointment.revision,
      appointmentStart: null,
      purpose: MessagePurpose.Reply,
      stepKey: `write-back:${event.writeBackId}`,
      state: MessageState.Queued,
      toE164: answered.toE164,
      body: renderWriteBackNotice({
        notice,
        practiceName: this.config.PRACTICE_NAMES.get(tenantId) ?? appointment.practiceName,
        start: appointment.start,
        timeZone: appointment.timeZone,
        link: link.url,
        language: messageLanguageOf(appointment.patientLanguage),
      }),
      suppressionReason: null,
      correlationId: envelope.correlationId,
      lastEventId: envelope.eventId,
      traceparent: '',
      now,
      patientId: answered.patientId,
    });
    if (!inserted) return false;
    await this.linkService.store(manager, link);
    await this.messageEvents.queued(manager, {
      id,
      ...subject,
      purpose: MessagePurpose.Reply,
      channel: MessageChannel.Sms,
      correlationId: envelope.correlationId,
      lastEventId: envelope.eventId,
    });
    return true;
  }
}
