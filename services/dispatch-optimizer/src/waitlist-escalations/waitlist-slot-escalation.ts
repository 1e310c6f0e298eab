import { DateTime } from 'luxon';

import { EscalationReason } from '@caredispatch/contracts';

import { type CoordinatorEscalation } from '../escalation/coordinator-escalation';
import { type DispatchExceptionInput } from '../exceptions/dispatch-exception.model';

/** A freed slot the waitlist could not fill, as `WaitlistSlotClosedV1` (ESCALATED) tells it. */
export interface UnfilledWaitlistSlot {
  readonly tenantId: string;
  readonly slotId: string;
  readonly start: Date;
  readonly end: Date;
  /** The location's IANA zone; '' on events from before the waitlist sent it (then UTC). */
  readonly timeZone: string;
  readonly locationId: string;
  /** '' when unknown (then the location id is shown). */
  readonly locationName: string;
  readonly providerId: string;
  /** From dispatch's roster; null when the provider is not rostered (then the id is shown). */
  readonly providerName: string | null;
  readonly appointmentTypeCode: string;
  readonly reason: EscalationReason;
  readonly offersMade: number;
}

const REASON: Readonly<Record<EscalationReason, { code: string; text: string }>> = {
  [EscalationReason.UNSPECIFIED]: { code: 'UNSPECIFIED', text: 'Not filled (no reason given)' },
  [EscalationReason.NO_ELIGIBLE_PATIENT]: {
    code: 'NO_ELIGIBLE_PATIENT',
    text: 'No eligible patient on the waitlist',
  },
  [EscalationReason.ALL_OFFERS_DECLINED_OR_EXPIRED]: {
    code: 'ALL_OFFERS_DECLINED_OR_EXPIRED',
    text: 'Every offer was declined or ran out',
  },
  [EscalationReason.STARTS_SOON]: {
    code: 'STARTS_SOON',
    text: 'Starts soon and is still open: too close for another wave of offers',
  },
  [EscalationReason.BOOKING_FAILED]: {
    code: 'BOOKING_FAILED',
    text: 'A patient accepted but the EHR booking failed: book by hand',
  },
};

/**
 * The coordinators' notice and exceptions-queue entry for one freed slot the waitlist gave up
 * on. Minimum necessary: the slot's local day and time, place, provider, visit type and reason;
 * never who was offered it. Both are keyed by the slot, so the slot is escalated once however
 * often (or by whichever event) it is reported.
 */
export function waitlistSlotEscalation(slot: UnfilledWaitlistSlot): {
  readonly notice: CoordinatorEscalation;
  readonly exception: DispatchExceptionInput;
} {
  const zone = slot.timeZone === '' ? 'UTC' : slot.timeZone;
  const start = DateTime.fromJSDate(slot.start, { zone });
  const end = DateTime.fromJSDate(slot.end, { zone });
  const when = `${start.toFormat('ccc d LLL yyyy, HH:mm')}–${end.toFormat('HH:mm')} (${zone})`;
  const reason = REASON[slot.reason];
  const dedupeKey = `waitlist-slot:${slot.slotId}`;
  return {
    notice: {
      tenantId: slot.tenantId,
      kind: 'waitlist-slot-unfilled',
      dedupeKey,
      title: `Open slot not filled from the waitlist: ${start.toFormat('ccc d LLL, HH:mm')}`,
      facts: [
        ['When', when],
        ['Location', slot.locationName === '' ? slot.locationId : slot.locationName],
        ['Provider', slot.providerName ?? slot.providerId],
        ['Visit type', slot.appointmentTypeCode],
        ['Reason', reason.text],
        ['Offers made', String(slot.offersMade)],
      ],
    },
    exception: {
      tenantId: slot.tenantId,
      kind: 'waitlist-slot-unfilled',
      reason: reason.code,
      providerId: slot.providerId,
      dedupeKey,
      detail: {
        slotId: slot.slotId,
        start: slot.start.toISOString(),
        end: slot.end.toISOString(),
        timeZone: zone,
        locationId: slot.locationId,
        locationName: slot.locationName,
        appointmentTypeCode: slot.appointmentTypeCode,
        offersMade: slot.offersMade,
      },
    },
  };
}
