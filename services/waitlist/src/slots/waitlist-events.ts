import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  causedBy,
  EscalationReason,
  OfferOutcome,
  SlotOutcome,
  timestampFromDate,
} from '@caredispatch/contracts';
import { OutboxWriter, scopeTransactionToTenant } from '@caredispatch/kafka';

import { type BookingRequest } from './booking-request';
import { type EscalationReasonCode, type FreedSlotEntity } from './freed-slot.entity';
import { type WaitlistOfferEntity } from './waitlist-offer.entity';

const OFFER_OUTCOME = {
  accepted: OfferOutcome.ACCEPTED,
  declined: OfferOutcome.DECLINED,
  expired: OfferOutcome.EXPIRED,
  withdrawn: OfferOutcome.WITHDRAWN,
  too_late: OfferOutcome.TOO_LATE,
} as const;

const ESCALATION_REASON: Readonly<Record<EscalationReasonCode, EscalationReason>> = {
  no_eligible_patient: EscalationReason.NO_ELIGIBLE_PATIENT,
  all_declined_or_expired: EscalationReason.ALL_OFFERS_DECLINED_OR_EXPIRED,
  starts_soon: EscalationReason.STARTS_SOON,
  booking_failed: EscalationReason.BOOKING_FAILED,
};

export type ResolvedOfferStatus = keyof typeof OFFER_OUTCOME;

/** The event that caused one of ours: its correlation id carries on, its id is our causation. */
export type EventCause = ReturnType<typeof causedBy>;

/**
 * The waitlist's events, staged in the caller's transaction; keyed by slot so they stay in order.
 * The outbox is under row-level security and a transaction may come from the cross-tenant hold
 * scanner or an HTTP request: each append scopes it to the event's tenant.
 */
@Injectable()
export class WaitlistEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  async slotOpened(
    manager: EntityManager,
    slot: FreedSlotEntity,
    eligible: number,
    cause?: EventCause,
  ): Promise<void> {
    await scopeTransactionToTenant(manager, slot.tenantId);
    await this.outbox.append(manager, {
      type: 'WaitlistSlotOpenedV1',
      tenantId: slot.tenantId,
      aggregateId: slot.id,
      ...cause,
      payload: {
        slotId: slot.id,
        freedByAppointmentId: slot.freedByAppointmentId,
        start: timestampFromDate(slot.startAt),
        end: timestampFromDate(slot.endAt),
        appointmentTypeCode: slot.appointmentTypeCode,
        providerId: slot.providerId,
        locationId: slot.locationId,
        eligibleEntries: eligible,
      },
    });
  }

  async offerMade(
    manager: EntityManager,
    slot: FreedSlotEntity,
    offer: WaitlistOfferEntity,
  ): Promise<void> {
    await scopeTransactionToTenant(manager, slot.tenantId);
    await this.outbox.append(manager, {
      type: 'WaitlistOfferMadeV1',
      tenantId: slot.tenantId,
      aggregateId: slot.id,
      payload: {
        offerId: offer.id,
        slotId: slot.id,
        entryId: offer.entryId,
        patientId: offer.patientId,
        wave: offer.wave,
        rank: offer.rank,
        slotStart: timestampFromDate(slot.startAt),
        slotEnd: timestampFromDate(slot.endAt),
        locationId: slot.locationId,
        providerId: slot.providerId,
        holdUntil: timestampFromDate(offer.holdUntil),
        timeZone: slot.timeZone,
        locationName: slot.locationName,
      },
    });
  }

  async offerResolved(
    manager: EntityManager,
    offer: WaitlistOfferEntity,
    status: ResolvedOfferStatus,
    { bookedInEhr }: { bookedInEhr: boolean } = { bookedInEhr: false },
  ): Promise<void> {
    await scopeTransactionToTenant(manager, offer.tenantId);
    await this.outbox.append(manager, {
      type: 'WaitlistOfferResolvedV1',
      tenantId: offer.tenantId,
      aggregateId: offer.slotId,
      payload: {
        offerId: offer.id,
        slotId: offer.slotId,
        entryId: offer.entryId,
        patientId: offer.patientId,
        outcome: OFFER_OUTCOME[status],
        bookedInEhr,
      },
    });
  }

  /** The first acceptance: ehr-gateway books the acceptor into the freed time in the EHR. */
  /** The first acceptance, for ehr-gateway to book (bookingRequestFor builds it). */
  async bookingRequested(
    manager: EntityManager,
    slot: FreedSlotEntity,
    request: BookingRequest,
  ): Promise<void> {
    await scopeTransactionToTenant(manager, slot.tenantId);
    await this.outbox.append(manager, {
      type: 'WaitlistBookingRequestedV1',
      tenantId: slot.tenantId,
      aggregateId: slot.id,
      payload: request,
    });
  }

  async slotClosed(
    manager: EntityManager,
    slot: FreedSlotEntity,
    filledBy?: WaitlistOfferEntity,
  ): Promise<void> {
    const outcome = {
      offering: SlotOutcome.UNSPECIFIED,
      booking: SlotOutcome.UNSPECIFIED,
      filled: SlotOutcome.FILLED,
      filled_by_staff: SlotOutcome.FILLED_BY_STAFF,
      escalated: SlotOutcome.ESCALATED,
      expired: SlotOutcome.EXPIRED,
    }[slot.status];
    await scopeTransactionToTenant(manager, slot.tenantId);
    await this.outbox.append(manager, {
      type: 'WaitlistSlotClosedV1',
      tenantId: slot.tenantId,
      aggregateId: slot.id,
      payload: {
        slotId: slot.id,
        outcome,
        entryId: filledBy?.entryId ?? '',
        patientId: filledBy?.patientId ?? '',
        offerId: filledBy?.id ?? '',
        start: timestampFromDate(slot.startAt),
        end: timestampFromDate(slot.endAt),
        appointmentTypeCode: slot.appointmentTypeCode,
        providerId: slot.providerId,
        locationId: slot.locationId,
        escalationReason:
          slot.escalationReason === null
            ? EscalationReason.UNSPECIFIED
            : ESCALATION_REASON[slot.escalationReason],
        offersMade: slot.offersMade,
        timeZone: slot.timeZone,
        locationName: slot.locationName,
      },
    });
  }
}
