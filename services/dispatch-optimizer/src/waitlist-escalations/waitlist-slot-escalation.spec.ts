import { EscalationReason } from '@caredispatch/contracts';

import { renderEscalationSlack } from '../escalation/coordinator-escalation';

import { type UnfilledWaitlistSlot, waitlistSlotEscalation } from './waitlist-slot-escalation';

function aSlot(overrides: Partial<UnfilledWaitlistSlot> = {}): UnfilledWaitlistSlot {
  return {
    tenantId: 'tenant-1',
    slotId: '6f1c1a52-1d1e-4c55-9d43-0c1f3f3f9b10',
    // Tuesday 2030-03-12 10:00–10:30 in New York.
    start: new Date('2030-03-12T14:00:00Z'),
    end: new Date('2030-03-12T14:30:00Z'),
    timeZone: 'America/New_York',
    locationId: 'loc-east',
    locationName: 'East Clinic',
    providerId: 'dr-a',
    providerName: 'Dr. Ana Ruiz',
    appointmentTypeCode: 'follow-up',
    reason: EscalationReason.NO_ELIGIBLE_PATIENT,
    offersMade: 0,
    ...overrides,
  };
}

describe(waitlistSlotEscalation.name, () => {
  it('should tell coordinators the local day and time, place, provider and reason', () => {
    const sut = waitlistSlotEscalation(aSlot());

    expect(sut.notice.title).toBe('Open slot not filled from the waitlist: Tue 12 Mar, 10:00');
    expect(sut.notice.facts).toEqual([
      ['When', 'Tue 12 Mar 2030, 10:00–10:30 (America/New_York)'],
      ['Location', 'East Clinic'],
      ['Provider', 'Dr. Ana Ruiz'],
      ['Visit type', 'follow-up'],
      ['Reason', 'No eligible patient on the waitlist'],
      ['Offers made', '0'],
    ]);
    expect(sut.exception).toMatchObject({
      kind: 'waitlist-slot-unfilled',
      reason: 'NO_ELIGIBLE_PATIENT',
      providerId: 'dr-a',
    });
  });

  it('should key the notice and the exception by the slot, so each slot is escalated once', () => {
    const first = waitlistSlotEscalation(aSlot({ reason: EscalationReason.STARTS_SOON }));
    const again = waitlistSlotEscalation(aSlot({ reason: EscalationReason.BOOKING_FAILED }));
    const other = waitlistSlotEscalation(aSlot({ slotId: 'b3c1f6a0-0c4f-4d8e-8a43-0b5f3e1a7c22' }));

    expect(again.notice.dedupeKey).toBe(first.notice.dedupeKey);
    expect(again.exception.dedupeKey).toBe(first.notice.dedupeKey);
    expect(other.notice.dedupeKey).not.toBe(first.notice.dedupeKey);
  });

  it('should fall back to ids and UTC when the event predates names and zones', () => {
    const sut = waitlistSlotEscalation(
      aSlot({ timeZone: '', locationName: '', providerName: null }),
    );

    expect(sut.notice.facts.slice(0, 3)).toEqual([
      ['When', 'Tue 12 Mar 2030, 14:00–14:30 (UTC)'],
      ['Location', 'loc-east'],
      ['Provider', 'dr-a'],
    ]);
  });

  it('should render a reason for every escalation code the waitlist sends', () => {
    const reasons = Object.values(EscalationReason).filter(
      (value): value is EscalationReason => typeof value === 'number',
    );
    for (const reason of reasons) {
      const sut = waitlistSlotEscalation(aSlot({ reason }));
      expect(renderEscalationSlack(sut.notice).blocks).toHaveLength(2);
      expect(sut.exception.reason).toMatch(/^[A-Z_]+$/);
    }
  });
});
