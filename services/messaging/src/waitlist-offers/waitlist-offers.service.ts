import { Inject, Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  type EventEnvelope,
  OfferOutcome,
  timestampDate,
  type WaitlistOfferMadeV1,
  type WaitlistOfferResolvedV1,
} from '@caredispatch/contracts';
import { PermanentEventError } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { isConsented } from '../consent/consent-rules';
import { ConsentChannelKind } from '../consent/consent.entity';
import { ConsentRepository } from '../consent/consent.repository';
import { messageLanguageOf } from '../language/patient-language';
import { LinkPurpose } from '../links/patient-link.entity';
import { PatientLinksService } from '../links/patient-links.service';
import { MessageEvents } from '../message/message-events';
import { MessageState } from '../message/message-state';
import { MessageChannel, MessagePurpose } from '../message/message.entity';
import { MessageRepository } from '../message/message.repository';
import { WithdrawalReason } from '../message/withdrawal-reason';
import { type ReminderLanguage } from '../reminders/planning/cadence';
import { ReminderSettingsRepository } from '../reminders/settings/reminder-settings.repository';
import { serializeEmailContent } from '../sending/email-content';

import { renderOfferEmail } from './offer-email';
import { offerSendTime } from './offer-send-time';
import { OfferOutcomeKind, renderOfferOutcomeText, renderOfferText } from './offer-text';
import { OfferTextState, type WaitlistOfferTextEntity } from './waitlist-offer-text.entity';
import { WaitlistOfferTextRepository } from './waitlist-offer-text.repository';

/** The offer's text is revision 1 of the offer; its withdrawal is revision 2 (cancelled). */
const OFFER_REVISION = 1;
const WITHDRAWN_REVISION = 2;
/** The offer email's step key: beside the text in the idempotency key, one email per offer. */
export const OFFER_EMAIL_STEP_KEY = 'offer-email';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export enum OfferTextSuppression {
  NoPhoneNumber = 'no_phone_number',
  /** No allowed sending time (08:00–21:00 local) before the hold ends. */
  QuietHoursUntilHoldEnds = 'quiet_hours_until_hold_ends',
  NoTimeZone = 'no_time_zone',
}

/**
 * Texts waitlist offers, and emails them where the patient has email consent. Runs in the consumer's inbox transaction and writes only the
 * database: the SMS itself is the sender's (a queued `message` row, purpose `waitlist_offer`,
 * whose `appointment_id` is the offer id), so at most one text per offer, consent read at send
 * time, and a withdrawn offer's unsent text is never sent. The offer email is a second row of
 * the same offer and revision (step key OFFER_EMAIL_STEP_KEY, channel email), so it shares all
 * of that: at most one, consent re-read at its claim, withdrawn with the text.
 */
@Injectable()
export class WaitlistOffersService {
  private readonly logger = new Logger(WaitlistOffersService.name);

  constructor(
    private readonly offers: WaitlistOfferTextRepository,
    private readonly messages: MessageRepository,
    private readonly events: MessageEvents,
    private readonly links: PatientLinksService,
    private readonly consents: ConsentRepository,
    private readonly settingsStore: ReminderSettingsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async offerMade(
    manager: EntityManager,
    envelope: EventEnvelope,
    event: WaitlistOfferMadeV1,
  ): Promise<void> {
    if (!event.slotStart || !event.holdUntil) {
      throw new PermanentEventError('CONTRACT_VIOLATION', 'offer without slot start or hold');
    }
    const now = this.clock.now();
    const tenantId = envelope.tenantId;
    const offer = {
      tenantId,
      offerId: event.offerId,
      slotId: event.slotId,
      patientId: event.patientId,
      slotStart: timestampDate(event.slotStart),
      timeZone: event.timeZone,
      locationName: event.locationName,
      holdUntil: timestampDate(event.holdUntil),
      createdAt: now,
    };
    if (!(await this.offers.insertIfAbsent(manager, offer))) return;
    const advanced = await this.messages.advanceRevision(manager, {
      tenantId,
      appointmentId: offer.offerId,
      revision: OFFER_REVISION,
      cancelled: false,
      now,
    });
    if (!advanced) return;

    const patientId = UUID.test(offer.patientId) ? offer.patientId : null;
    const toE164 =
      patientId === null ? null : await this.offers.patientNumber(manager, tenantId, patientId);
    const sendAt =
      offer.timeZone === ''
        ? null
        : offerSendTime({ now, holdUntil: offer.holdUntil, timeZone: offer.timeZone });
    const suppression =
      toE164 === null
        ? OfferTextSuppression.NoPhoneNumber
        : offer.timeZone === ''
          ? OfferTextSuppression.NoTimeZone
          : sendAt === null
            ? OfferTextSuppression.QuietHoursUntilHoldEnds
            : null;

    // Email goes by the same clock as the text (quiet hours, the hold), whether or not it is texted.
    const email =
      patientId === null || sendAt === null
        ? null
        : await this.emailContact(manager, tenantId, patientId);

    const language =
      patientId === null || suppression !== null
        ? undefined
        : await this.languageOf(manager, tenantId, patientId);
    const id = this.messages.newId();
    const emailId = email === null ? null : this.messages.newId();
    // One accept link per offer, printed by the text and the email alike; it lives as long as
    // the hold: after it, the page is the neutral one.
    const link =
      suppression === null || emailId !== null
        ? this.links.prepare({
            tenantId,
            appointmentId: offer.offerId,
            revision: OFFER_REVISION,
            start: offer.slotStart,
            messageId: suppression === null ? id : (emailId ?? id),
            correlationId: envelope.correlationId,
            purpose: LinkPurpose.WaitlistOffer,
            expiresAt: offer.holdUntil,
          })
        : undefined;
    const inserted = await this.messages.insertIfAbsent(manager, {
      id,
      tenantId,
      appointmentId: offer.offerId,
      revision: OFFER_REVISION,
      appointmentStart: offer.slotStart,
      purpose: MessagePurpose.WaitlistOffer,
      state: suppression === null ? MessageState.Queued : MessageState.Suppressed,
      toE164: suppression === null ? toE164 : null,
      body:
        suppression === null
          ? renderOfferText({
              practiceName: this.practiceName(tenantId),
              start: offer.slotStart,
              timeZone: offer.timeZone,
              locationName: offer.locationName,
              holdUntil: offer.holdUntil,
              acceptUrl: link?.url,
              language,
            })
          : null,
      suppressionReason: suppression,
      correlationId: envelope.correlationId,
      lastEventId: envelope.eventId,
      traceparent: '',
      now,
      dueAt: sendAt ?? now,
      patientId,
    });
    const emailed =
      email !== null &&
      emailId !== null &&
      link !== undefined &&
      sendAt !== null &&
      (await this.messages.insertIfAbsent(manager, {
        id: emailId,
        tenantId,
        appointmentId: offer.offerId,
        revision: OFFER_REVISION,
        appointmentStart: offer.slotStart,
        purpose: MessagePurpose.WaitlistOffer,
        stepKey: OFFER_EMAIL_STEP_KEY,
        channel: MessageChannel.Email,
        state: MessageState.Queued,
        toE164: email.address,
        body: serializeEmailContent(
          renderOfferEmail(
            {
              practiceName: this.practiceName(tenantId),
              start: offer.slotStart,
              timeZone: offer.timeZone,
              locationName: offer.locationName,
              holdUntil: offer.holdUntil,
              acceptUrl: link.url,
            },
            await this.shippedOrDefaultLanguage(manager, tenantId, email.language),
          ),
        ),
        suppressionReason: null,
        correlationId: envelope.correlationId,
        lastEventId: envelope.eventId,
        traceparent: '',
        now,
        dueAt: sendAt,
        patientId,
      }));
    if ((inserted || emailed) && link !== undefined) await this.links.store(manager, link);
    await this.offers.update(manager, offer, { messageId: id }, now);
    const queued = [
      ...(suppression === null ? [{ id, channel: MessageChannel.Sms }] : []),
      ...(emailed ? [{ id: emailId, channel: MessageChannel.Email }] : []),
    ];
    for (const message of queued) {
      await this.events.queued(manager, {
        ...message,
        tenantId,
        appointmentId: offer.offerId,
        purpose: MessagePurpose.WaitlistOffer,
        correlationId: envelope.correlationId,
        lastEventId: envelope.eventId,
      });
    }
    // Ids and codes only: never the number or the text.
    this.logger.log({
      message: 'waitlist offer text',
      offerId: offer.offerId,
      messageId: id,
      outcome: suppression ?? 'queued',
      emailMessageId: emailed ? emailId : undefined,
      dueAt: sendAt?.toISOString(),
    });
  }

  /**
   * The waitlist closed the offer: an unsent text is withdrawn (the sender re-reads the offer's
   * revision before it sends, so a text it already holds is not sent either). A patient who
   * answered YES gets exactly one outcome text, unless the fill was booked in the EHR, whose
   * booking confirmation tells them.
   */
  async offerResolved(
    manager: EntityManager,
    envelope: EventEnvelope,
    event: WaitlistOfferResolvedV1,
  ): Promise<void> {
    const now = this.clock.now();
    const offer = await this.offers.lock(manager, envelope.tenantId, event.offerId);
    if (offer === undefined || offer.state === OfferTextState.Closed) return;
    if (event.outcome !== OfferOutcome.ACCEPTED) {
      await this.withdrawUnsent(manager, offer, now);
    } else {
      // Accepted: the offer text did its work; nothing of it is left to withdraw.
      await this.messages.advanceRevision(manager, {
        tenantId: offer.tenantId,
        appointmentId: offer.offerId,
        revision: WITHDRAWN_REVISION,
        cancelled: true,
        now,
      });
    }
    await this.offers.update(manager, offer, { state: OfferTextState.Closed }, now);
    if (offer.acceptedAt === null) return;
    // Booked in the EHR: the booking's own confirmation (its echo through scheduling) is the
    // patient's one text about it.
    if (event.outcome === OfferOutcome.ACCEPTED && event.bookedInEhr) return;
    await this.queueOutcome(
      manager,
      offer,
      event.outcome === OfferOutcome.ACCEPTED
        ? OfferOutcomeKind.Booked
        : OfferOutcomeKind.NoLongerAvailable,
      now,
    );
  }

  /** One outcome text per offer (its step key): a reply, so it goes whatever the offer's state. */
  async queueOutcome(
    manager: EntityManager,
    offer: WaitlistOfferTextEntity,
    kind: OfferOutcomeKind,
    now: Date,
  ): Promise<void> {
    if (offer.messageId === null) return;
    const toE164 = await this.offers.numberOfMessage(manager, offer.tenantId, offer.messageId);
    if (toE164 === null) return;
    const patientId = UUID.test(offer.patientId) ? offer.patientId : null;
    const language =
      patientId === null ? undefined : await this.languageOf(manager, offer.tenantId, patientId);
    const id = this.messages.newId();
    const subject = { tenantId: offer.tenantId, appointmentId: offer.offerId };
    const inserted = await this.messages.insertIfAbsent(manager, {
      id,
      ...subject,
      revision: OFFER_REVISION,
      appointmentStart: null,
      purpose: MessagePurpose.Reply,
      stepKey: 'waitlist-offer-outcome',
      state: MessageState.Queued,
      toE164,
      body: renderOfferOutcomeText(kind, {
        practiceName: this.practiceName(offer.tenantId),
        start: offer.slotStart,
        timeZone: offer.timeZone,
        locationName: offer.locationName,
        language,
      }),
      suppressionReason: null,
      correlationId: offer.offerId,
      lastEventId: offer.offerId,
      traceparent: '',
      now,
      patientId,
    });
    if (!inserted) return;
    await this.events.queued(manager, {
      id,
      ...subject,
      purpose: MessagePurpose.Reply,
      channel: MessageChannel.Sms,
      correlationId: offer.offerId,
      lastEventId: offer.offerId,
    });
    this.logger.log({ message: 'waitlist offer outcome text', offerId: offer.offerId, kind });
  }

  private async withdrawUnsent(
    manager: EntityManager,
    offer: WaitlistOfferTextEntity,
    now: Date,
  ): Promise<void> {
    const subject = { tenantId: offer.tenantId, appointmentId: offer.offerId };
    await this.messages.advanceRevision(manager, {
      ...subject,
      revision: WITHDRAWN_REVISION,
      cancelled: true,
      now,
    });
    const withdrawn = await this.messages.cancelUnsent(manager, {
      ...subject,
      beforeRevision: WITHDRAWN_REVISION,
      now,
    });
    for (const message of withdrawn) {
      await this.events.withdrawn(manager, message, {
        reason: WithdrawalReason.AppointmentCancelled,
        messageRevision: message.revision,
        appointmentRevision: WITHDRAWN_REVISION,
      });
    }
  }

  /**
   * The patient's address when their email consent is on record as granted (no EHR flag travels
   * with an offer, so no record means no email); the sender reads consent again at the claim.
   */
  private async emailContact(
    manager: EntityManager,
    tenantId: string,
    patientId: string,
  ): Promise<{ address: string; language: string | null } | null> {
    const record = await this.consents.lock(manager, {
      tenantId,
      patientId,
      channel: ConsentChannelKind.Email,
    });
    if (!isConsented(record, false)) return null;
    return this.offers.patientEmail(manager, tenantId, patientId);
  }

  /** The patient's language when shipped, else the tenant's default (as every other text). */
  private async languageOf(
    manager: EntityManager,
    tenantId: string,
    patientId: string,
  ): Promise<ReminderLanguage> {
    const preferred = await this.offers.patientLanguage(manager, tenantId, patientId);
    return this.shippedOrDefaultLanguage(manager, tenantId, preferred);
  }

  private async shippedOrDefaultLanguage(
    manager: EntityManager,
    tenantId: string,
    preferredLanguage: string | null | undefined,
  ): Promise<ReminderLanguage> {
    const { settings } = await this.settingsStore.settingsOf(tenantId, manager);
    return messageLanguageOf(preferredLanguage, settings.defaultLanguage);
  }

  private practiceName(tenantId: string): string {
    return this.config.PRACTICE_NAMES.get(tenantId) ?? '';
  }
}
