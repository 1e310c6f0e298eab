import { WithdrawalReason } from '../message/withdrawal-reason';

import { decideDispatch, type DispatchFacts } from './dispatch-decision';

const NOW = new Date('2030-03-12T12:00:00Z');
const MINUTE = 60_000;

function facts(overrides: Partial<DispatchFacts> = {}): DispatchFacts {
  return {
    messageRevision: 1,
    latestRevision: 1,
    appointmentCancelled: false,
    appointmentStart: new Date(NOW.getTime() + 24 * 60 * MINUTE),
    now: NOW,
    minLeadMs: 0,
    ...overrides,
  };
}

describe(decideDispatch.name, () => {
  it('should withdraw a reminder text to a number marked undeliverable (its email goes instead)', () => {
    const sut = decideDispatch(facts({ numberUndeliverable: true }));

    expect(sut).toEqual({ action: 'withdraw', reason: WithdrawalReason.NumberUndeliverable });
  });

  it('should report a cancellation, not the undeliverable number, when both hold', () => {
    const sut = decideDispatch(facts({ numberUndeliverable: true, appointmentCancelled: true }));

    expect(sut).toEqual({ action: 'withdraw', reason: WithdrawalReason.AppointmentCancelled });
  });

  it('should withdraw a message whose patient withdrew consent to the channel', () => {
    const sut = decideDispatch(facts({ consentWithdrawn: true }));

    expect(sut).toEqual({ action: 'withdraw', reason: WithdrawalReason.ConsentWithdrawn });
  });

  it('should send a reply (the opt-out confirmation) despite withdrawn consent and a cancelled visit', () => {
    const sut = decideDispatch(
      facts({
        consentWithdrawn: true,
        isReply: true,
        latestRevision: 2,
        appointmentCancelled: true,
        appointmentStart: new Date(NOW.getTime() - MINUTE),
      }),
    );

    expect(sut).toEqual({ action: 'send' });
  });

  it('should send a message for the latest revision of a future visit', () => {
    const sut = decideDispatch(facts());

    expect(sut).toEqual({ action: 'send' });
  });

  it('should withdraw a message whose appointment was cancelled since', () => {
    const sut = decideDispatch(facts({ latestRevision: 2, appointmentCancelled: true }));

    expect(sut).toEqual({ action: 'withdraw', reason: WithdrawalReason.AppointmentCancelled });
  });

  it('should withdraw a message a reschedule has superseded', () => {
    const sut = decideDispatch(facts({ latestRevision: 3 }));

    expect(sut).toEqual({ action: 'withdraw', reason: WithdrawalReason.AppointmentSuperseded });
  });

  it('should report a late message for a cancelled visit as withdrawn, not expired', () => {
    const sut = decideDispatch(
      facts({
        latestRevision: 2,
        appointmentCancelled: true,
        appointmentStart: new Date(NOW.getTime() - MINUTE),
      }),
    );

    expect(sut).toEqual({ action: 'withdraw', reason: WithdrawalReason.AppointmentCancelled });
  });

  it('should expire a message for a visit that has already started', () => {
    const sut = decideDispatch(facts({ appointmentStart: new Date(NOW.getTime() - MINUTE) }));

    expect(sut).toEqual({ action: 'expire' });
  });

  it('should expire a message for a visit closer than the minimum lead and send one beyond it', () => {
    const within = decideDispatch(
      facts({ appointmentStart: new Date(NOW.getTime() + 10 * MINUTE), minLeadMs: 15 * MINUTE }),
    );
    const beyond = decideDispatch(
      facts({ appointmentStart: new Date(NOW.getTime() + 20 * MINUTE), minLeadMs: 15 * MINUTE }),
    );

    expect([within, beyond]).toEqual([{ action: 'expire' }, { action: 'send' }]);
  });

  it('should send a message queued before start times were recorded', () => {
    const sut = decideDispatch(facts({ appointmentStart: null }));

    expect(sut).toEqual({ action: 'send' });
  });
});
