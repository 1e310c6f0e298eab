import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { inTenantTransaction } from '@caredispatch/kafka';

import { ConsentRepository } from '../consent/consent.repository';
import { InboundMessageRepository } from '../inbound/inbound-message.repository';
import { type MessageEntity } from '../message/message.entity';
import { MessageRepository } from '../message/message.repository';
import { MessagingError, MessagingErrorCode } from '../messaging.errors';

import {
  type MessageSummaryResponse,
  type PatientMessagesResponse,
  type ReminderPlanResponse,
} from './dto/patient-messages.response';

/** Newest first; a longer history is for the audit trail, not this screen. */
const HISTORY_LIMIT = 200;

export function patientNotFound(): MessagingError {
  return new MessagingError(MessagingErrorCode.PatientNotFound, 'Patient not found');
}

export function appointmentNotFound(): MessagingError {
  return new MessagingError(MessagingErrorCode.AppointmentNotFound, 'Appointment not found');
}

/** Staff reads: a patient's messages, replies and consent; an appointment's reminder plan. */
@Injectable()
export class PatientMessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: MessageRepository,
    private readonly consents: ConsentRepository,
    private readonly inbound: InboundMessageRepository,
  ) {}

  async patientMessages(tenantId: string, patientId: string): Promise<PatientMessagesResponse> {
    // One tenant transaction: row-level security shows it this tenant's rows only.
    const { messages, consent, replies } = await inTenantTransaction(
      this.dataSource,
      tenantId,
      async (manager) => ({
        messages: await this.messages.findForPatient(manager, tenantId, patientId, HISTORY_LIMIT),
        consent: await this.consents.findForPatient(manager, tenantId, patientId),
        replies: await this.inbound.findForPatient(manager, tenantId, patientId, HISTORY_LIMIT),
      }),
    );
    if (messages.length === 0 && consent.length === 0 && replies.length === 0) {
      throw patientNotFound();
    }
    return {
      patientId,
      consent: consent.map((record) => ({
        channel: record.channel,
        state: record.state,
        changedAt: record.changedAt.toISOString(),
        source: record.source,
        evidenceId: record.evidenceId,
      })),
      messages: messages.map(summaryOf),
      replies: replies.map((reply) => ({
        id: reply.id,
        appointmentId: reply.appointmentId,
        answeredMessageId: reply.answeredMessageId,
        intent: reply.intent,
        text: reply.body,
        receivedAt: reply.receivedAt.toISOString(),
      })),
    };
  }

  async reminderPlan(tenantId: string, appointmentId: string): Promise<ReminderPlanResponse> {
    const steps = await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      this.messages.findReminderPlan(manager, tenantId, appointmentId),
    );
    if (steps.length === 0) throw appointmentNotFound();
    return { appointmentId, steps: steps.map(summaryOf) };
  }
}

function summaryOf(message: MessageEntity): MessageSummaryResponse {
  return {
    id: message.id,
    appointmentId: message.appointmentId,
    revision: message.revision,
    purpose: message.purpose,
    channel: message.channel,
    step: message.stepKey,
    state: message.state,
    dueAt: message.nextAttemptAt.toISOString(),
    sentAt: message.sentAt?.toISOString() ?? null,
    deliveredAt: message.deliveredAt?.toISOString() ?? null,
    errorCode: message.errorCode,
  };
}
