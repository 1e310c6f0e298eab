import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import {
  ResponseKind,
  ResponseSource,
  StaffInboxItemKind,
  timestampFromDate,
} from '@caredispatch/contracts';
import { inJobTransaction, inTenantTransaction, OutboxWriter } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { ConsentChannelKind, ConsentSourceKind, ConsentStateKind } from '../consent/consent.entity';
import { ConsentService } from '../consent/consent.service';
import { shippedLanguageOf } from '../language/patient-language';
import { PatientLinkRepository } from '../links/patient-link.repository';
import { MessageEvents } from '../message/message-events';
import { MessageState } from '../message/message-state';
import { MessageChannel, MessagePurpose } from '../message/message.entity';
import { MessageRepository, type ReplyTarget } from '../message/message.repository';
import { MessagingJobs } from '../message/messaging-jobs';
import { classifyReply, ReplyIntent } from '../reminders/inbound/reply-intent';
import { OfferRepliesService } from '../waitlist-offers/offer-replies.service';

import { type TwilioInboundSms } from './dto/twilio-inbound-sms.dto';
import { InboundMessageRepository } from './inbound-message.repository';
import { renderReply, replyLanguage, ReplyKind } from './reply-texts';

export enum InboundOutcome {
  /** This Message SID was handled before: nothing changed. */
  Duplicate = 'duplicate',
  /** No message was ever sent to this number: stored without text, nothing else. */
  Unmatched = 'unmatched',
  Responded = 'responded',
  OptedOut = 'opted_out',
  OptedIn = 'opted_in',
  /** Opt-out / opt-in that the consent record already said: no event, no second confirmation. */
  ConsentUnchanged = 'consent_unchanged',
  HelpSent = 'help_sent',
  StaffInbox = 'staff_inbox',
}

/** Appointment answers and what they mean for scheduling (messaging.patient-response.v1). */
const RESPONSE_KIND: Partial<Record<ReplyIntent, ResponseKind>> = {
  [ReplyIntent.Confirm]: ResponseKind.CONFIRMED,
  [ReplyIntent.Reschedule]: ResponseKind.RESCHEDULE_REQUESTED,
  [ReplyIntent.CancelAppointment]: ResponseKind.CANCELLED,
};

const FALLBACK_PRACTICE = 'Your care team';

/**
 * Handles a patient's SMS (signature already verified): matches the sender's number (blind
 * index, per tenant) to the newest message we sent it, stores the reply once per Message SID,
 * and acts in the same transaction — response event, consent change with its one
 * confirmation text, HELP text, or a staff inbox entry. Every text and event leaves through
 * the outbox (texts are queued message rows the sender sends), so a crash here sends nothing
 * twice and loses nothing.
 */
@Injectable()
export class InboundSmsService {
  private readonly logger = new Logger(InboundSmsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly inbound: InboundMessageRepository,
    private readonly messages: MessageRepository,
    private readonly messageEvents: MessageEvents,
    private readonly consents: ConsentService,
    private readonly outbox: OutboxWriter,
    private readonly offerReplies: OfferRepliesService,
    private readonly appointmentViews: PatientLinkRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async receive(sms: TwilioInboundSms): Promise<InboundOutcome> {
    const now = this.clock.now();
    const intent = classifyReply(sms.body);
    // The number names no tenant: the match runs as the inbound-sms job, whose policies show it
    // only the texts a reply can answer and the tenants' appointment revisions.
    const target = await inJobTransaction(this.dataSource, MessagingJobs.InboundSms, (manager) =>
      this.findTarget(manager, sms.from, now),
    );
    const inboundId = randomUUID();
    const store = (manager: EntityManager): Promise<boolean> =>
      this.inbound.insertIfAbsent(manager, {
        id: inboundId,
        providerMessageId: sms.messageSid,
        tenantId: target?.tenantId ?? null,
        patientId: target?.patientId ?? null,
        appointmentId: target?.appointmentId ?? null,
        answeredMessageId: target?.messageId ?? null,
        intent,
        body: sms.body,
        receivedAt: now,
      });
    let outcome: InboundOutcome;
    if (target) {
      // Everything a matched reply changes is its tenant's, the outbox rows included.
      await this.outbox.prepare(target.tenantId);
      outcome = await inTenantTransaction(this.dataSource, target.tenantId, async (manager) => {
        if (!(await store(manager))) return InboundOutcome.Duplicate;
        return this.act(manager, { inboundId, intent, sms, target, now });
      });
    } else {
      // No tenant: the job may store the reply without its text, and nothing else.
      const stored = await inJobTransaction(this.dataSource, MessagingJobs.InboundSms, store);
      outcome = stored ? InboundOutcome.Unmatched : InboundOutcome.Duplicate;
    }
    // Ids and the intent only: never the number or the text.
    this.logger.log({
      message: 'inbound sms',
      outcome,
      intent,
      inboundId: outcome === InboundOutcome.Duplicate ? undefined : inboundId,
      appointmentId: target?.appointmentId,
      answeredMessageId: target?.messageId,
    });
    return outcome;
  }

  /** The newest text sent to this number in any tenant (the blind index is per tenant). */
  private async findTarget(
    manager: EntityManager,
    from: string,
    now: Date,
  ): Promise<ReplyTarget | undefined> {
    const tenants = await this.messages.knownTenants(manager);
    const hashes = tenants
      .map((tenantId) => this.messages.lookupHash(tenantId, from))
      .filter((hash): hash is string => hash !== null);
    // A waitlist offer that is the newest text takes the reply (see OfferRepliesService).
    return (
      (await this.offerReplies.newestIfOffer(manager, hashes)) ??
      this.messages.findReplyTarget(manager, hashes, now)
    );
  }

  private async act(
    manager: EntityManager,
    input: {
      inboundId: string;
      intent: ReplyIntent;
      sms: TwilioInboundSms;
      target: ReplyTarget;
      now: Date;
    },
  ): Promise<InboundOutcome> {
    const { inboundId, intent, sms, target, now } = input;
    if (intent === ReplyIntent.Confirm && target.waitlistOffer === true) {
      await this.offerReplies.accept(manager, input);
      return InboundOutcome.Responded;
    }
    if (intent === ReplyIntent.Decline && target.waitlistOffer === true) {
      await this.offerReplies.decline(manager, input);
      return InboundOutcome.Responded;
    }
    switch (intent) {
      case ReplyIntent.Confirm:
      case ReplyIntent.Reschedule:
      case ReplyIntent.CancelAppointment: {
        const kind = RESPONSE_KIND[intent];
        // An answer to a visit that is over, cancelled or moved since is for a person to read.
        if (!target.open || target.ehrAppointmentId === null || kind === undefined) {
          await this.toStaffInbox(manager, StaffInboxItemKind.UNRECOGNIZED_REPLY, input);
          return InboundOutcome.StaffInbox;
        }
        await this.outbox.append(manager, {
          type: 'PatientRespondedV1',
          tenantId: target.tenantId,
          aggregateId: target.appointmentId,
          correlationId: inboundId,
          payload: {
            responseId: randomUUID(),
            appointmentId: target.appointmentId,
            ehrAppointmentId: target.ehrAppointmentId,
            appointmentRevision: target.revision,
            kind,
            source: ResponseSource.SMS_REPLY,
            respondedAt: timestampFromDate(now),
            messageId: target.messageId,
          },
        });
        if (intent === ReplyIntent.Reschedule) {
          await this.toStaffInbox(manager, StaffInboxItemKind.RESCHEDULE_REQUESTED, input);
        }
        return InboundOutcome.Responded;
      }
      case ReplyIntent.OptOut:
      case ReplyIntent.OptIn: {
        if (target.patientId === null) {
          await this.toStaffInbox(manager, StaffInboxItemKind.UNRECOGNIZED_REPLY, input);
          return InboundOutcome.StaffInbox;
        }
        const optOut = intent === ReplyIntent.OptOut;
        const change = await this.consents.change(manager, {
          tenantId: target.tenantId,
          patientId: target.patientId,
          channel: ConsentChannelKind.Sms,
          state: optOut ? ConsentStateKind.Withdrawn : ConsentStateKind.Granted,
          source: ConsentSourceKind.Keyword,
          evidenceId: inboundId,
          now,
          correlationId: inboundId,
        });
        if (!change.changed) return InboundOutcome.ConsentUnchanged;
        // Exactly one confirmation per change: a repeated STOP changes nothing and texts nothing.
        await this.queueReply(
          manager,
          optOut ? ReplyKind.OptedOut : ReplyKind.OptedIn,
          sms,
          target,
          inboundId,
          now,
        );
        return optOut ? InboundOutcome.OptedOut : InboundOutcome.OptedIn;
      }
      case ReplyIntent.Help:
        await this.queueReply(manager, ReplyKind.Help, sms, target, inboundId, now);
        return InboundOutcome.HelpSent;
      case ReplyIntent.Decline:
      case ReplyIntent.Other:
        await this.toStaffInbox(manager, StaffInboxItemKind.UNRECOGNIZED_REPLY, input);
        return InboundOutcome.StaffInbox;
    }
  }

  private async toStaffInbox(
    manager: EntityManager,
    kind: StaffInboxItemKind,
    input: { inboundId: string; target: ReplyTarget; now: Date },
  ): Promise<void> {
    await this.outbox.append(manager, {
      type: 'StaffInboxItemV1',
      tenantId: input.target.tenantId,
      aggregateId: input.target.appointmentId,
      correlationId: input.inboundId,
      payload: {
        itemId: randomUUID(),
        kind,
        inboundMessageId: input.inboundId,
        appointmentId: input.target.appointmentId,
        patientId: input.target.patientId ?? '',
        receivedAt: timestampFromDate(input.now),
      },
    });
  }

  /** A text back to the patient, queued like any message (the sender's exactly-once rules hold). */
  private async queueReply(
    manager: EntityManager,
    kind: ReplyKind,
    sms: TwilioInboundSms,
    target: ReplyTarget,
    inboundId: string,
    now: Date,
  ): Promise<void> {
    const practice = this.config.PRACTICE_NAMES.get(target.tenantId) ?? FALLBACK_PRACTICE;
    // The patient's own language when the EHR told us one we ship; else the language they wrote in.
    const patientLanguage = await this.appointmentViews.patientLanguageOf(
      manager,
      target.tenantId,
      target.appointmentId,
    );
    const language = shippedLanguageOf(patientLanguage) ?? replyLanguage(sms.body);
    const id = this.messages.newId();
    const subject = { tenantId: target.tenantId, appointmentId: target.appointmentId };
    const inserted = await this.messages.insertIfAbsent(manager, {
      id,
      ...subject,
      revision: target.revision,
      appointmentStart: null,
      purpose: MessagePurpose.Reply,
      stepKey: `reply:${inboundId}`,
      state: MessageState.Queued,
      toE164: sms.from,
      body: renderReply(kind, language, practice),
      suppressionReason: null,
      correlationId: inboundId,
      lastEventId: inboundId,
      traceparent: '',
      now,
      patientId: target.patientId,
    });
    if (!inserted) return;
    await this.messageEvents.queued(manager, {
      id,
      ...subject,
      purpose: MessagePurpose.Reply,
      channel: MessageChannel.Sms,
      correlationId: inboundId,
      lastEventId: inboundId,
    });
  }
}
