import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { OfferAnswer, ResponseSource, timestampFromDate } from '@caredispatch/contracts';
import { OutboxWriter } from '@caredispatch/kafka';

import { type ReplyTarget } from '../message/message.repository';

import { OfferOutcomeKind } from './offer-text';
import { OfferTextState } from './waitlist-offer-text.entity';
import { WaitlistOfferTextRepository } from './waitlist-offer-text.repository';
import { WaitlistOffersService } from './waitlist-offers.service';

export enum OfferReplyOutcome {
  /** Asked the waitlist to accept; the patient's outcome text follows its answer. */
  Accepting = 'accepting',
  /** A repeated YES while the first is being answered: nothing more. */
  AlreadyAnswered = 'already_answered',
  /** The offer had ended before the YES: told "no longer available" at once. */
  Closed = 'closed',
  /** NO to an open offer: the waitlist moves on to its next wave. */
  Declining = 'declining',
}

/**
 * Texts that answer a waitlist offer. The newest answerable text to the sender's number decides
 * what a reply is about: when that is an offer, YES takes the offer (never confirms an older
 * appointment text), and only the waitlist decides whether it still can.
 */
@Injectable()
export class OfferRepliesService {
  private readonly logger = new Logger(OfferRepliesService.name);

  constructor(
    private readonly offers: WaitlistOfferTextRepository,
    private readonly texts: WaitlistOffersService,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * The newest text sent to any of these blind indexes, if it is an offer (else undefined: the
   * usual appointment match applies). Runs as the inbound-sms job.
   */
  async newestIfOffer(
    manager: EntityManager,
    lookupHashes: readonly string[],
  ): Promise<ReplyTarget | undefined> {
    if (lookupHashes.length === 0) return undefined;
    const rows = await manager.query<
      {
        id: string;
        tenant_id: string;
        appointment_id: string;
        revision: number;
        patient_id: string | null;
        purpose: string;
        cancelled: boolean;
      }[]
    >(
      `SELECT m.id, m.tenant_id, m.appointment_id, m.revision, m.patient_id, m.purpose, r.cancelled
         FROM message m
         JOIN appointment_revision r ON r.tenant_id = m.tenant_id AND r.appointment_id = m.appointment_id
        WHERE m.to_lookup_hash = ANY($1::text[])
          AND m.purpose IN ('confirmation', 'reminder', 'waitlist_offer')
          AND m.state IN ('sent', 'delivered', 'undelivered', 'sending')
        ORDER BY COALESCE(m.sent_at, m.created_at) DESC
        LIMIT 1`,
      [lookupHashes],
    );
    const row = rows.at(0);
    if (row === undefined || row.purpose !== 'waitlist_offer') return undefined;
    return {
      messageId: row.id,
      tenantId: row.tenant_id,
      appointmentId: row.appointment_id,
      revision: row.revision,
      patientId: row.patient_id,
      ehrAppointmentId: null,
      open: !row.cancelled,
      waitlistOffer: true,
    };
  }

  /** YES to an offer text, in the matched tenant's transaction. */
  accept(
    manager: EntityManager,
    input: { inboundId: string; target: ReplyTarget; now: Date },
  ): Promise<OfferReplyOutcome> {
    return this.acceptOffer(manager, {
      tenantId: input.target.tenantId,
      offerId: input.target.appointmentId,
      messageId: input.target.messageId,
      correlationId: input.inboundId,
      source: ResponseSource.SMS_REPLY,
      now: input.now,
    });
  }

  /**
   * The patient takes the offer — by YES or by the accept link's button, the same way: at most
   * once per offer (its locked row), and only the waitlist decides whether it still can.
   */
  async acceptOffer(
    manager: EntityManager,
    input: {
      tenantId: string;
      offerId: string;
      messageId: string;
      correlationId: string;
      source: ResponseSource;
      now: Date;
    },
  ): Promise<OfferReplyOutcome> {
    const { now } = input;
    const offer = await this.offers.lock(manager, input.tenantId, input.offerId);
    if (offer === undefined || offer.acceptedAt !== null) return OfferReplyOutcome.AlreadyAnswered;
    await this.offers.update(manager, offer, { acceptedAt: now }, now);
    if (offer.state === OfferTextState.Closed) {
      await this.texts.queueOutcome(manager, offer, OfferOutcomeKind.NoLongerAvailable, now);
      return this.done(offer.offerId, OfferReplyOutcome.Closed);
    }
    await this.offers.update(manager, offer, { state: OfferTextState.Accepting }, now);
    await this.outbox.append(manager, {
      type: 'PatientAnsweredOfferV1',
      tenantId: offer.tenantId,
      aggregateId: offer.offerId,
      correlationId: input.correlationId,
      payload: {
        responseId: randomUUID(),
        offerId: offer.offerId,
        slotId: offer.slotId,
        patientId: offer.patientId,
        answer: OfferAnswer.ACCEPTED,
        source: input.source,
        respondedAt: timestampFromDate(now),
        messageId: input.messageId,
      },
    });
    return this.done(offer.offerId, OfferReplyOutcome.Accepting);
  }

  /**
   * NO to an offer text, in the matched tenant's transaction: the waitlist declines it (next
   * wave). The offer text is closed here, so a later YES is told "no longer available"; a NO
   * after a YES, or to an ended offer, changes nothing.
   */
  async decline(
    manager: EntityManager,
    input: { inboundId: string; target: ReplyTarget; now: Date },
  ): Promise<OfferReplyOutcome> {
    const { target, now } = input;
    const offer = await this.offers.lock(manager, target.tenantId, target.appointmentId);
    if (offer === undefined || offer.acceptedAt !== null) return OfferReplyOutcome.AlreadyAnswered;
    if (offer.state !== OfferTextState.Open)
      return this.done(offer.offerId, OfferReplyOutcome.Closed);
    await this.offers.update(manager, offer, { state: OfferTextState.Closed }, now);
    await this.outbox.append(manager, {
      type: 'PatientAnsweredOfferV1',
      tenantId: offer.tenantId,
      aggregateId: offer.offerId,
      correlationId: input.inboundId,
      payload: {
        responseId: randomUUID(),
        offerId: offer.offerId,
        slotId: offer.slotId,
        patientId: offer.patientId,
        answer: OfferAnswer.DECLINED,
        source: ResponseSource.SMS_REPLY,
        respondedAt: timestampFromDate(now),
        messageId: target.messageId,
      },
    });
    return this.done(offer.offerId, OfferReplyOutcome.Declining);
  }

  private done(offerId: string, outcome: OfferReplyOutcome): OfferReplyOutcome {
    this.logger.log({ message: 'offer reply', offerId, outcome });
    return outcome;
  }
}
