import { TwilioFailures } from './twilio-failures';
import { type CreateFault, TwilioFaultPlan } from './twilio-fault-plan';

const serverError: CreateFault = {
  kind: 'fail',
  failure: TwilioFailures.internalServerError,
  afterAccepting: false,
};
const timeout: CreateFault = { kind: 'timeout', holdMs: 3_000, accept: true };

describe(TwilioFaultPlan.name, () => {
  it('should use each queued fault once, in order', () => {
    const sut = new TwilioFaultPlan();
    sut.queue(2, serverError);
    sut.queue(1, timeout);

    const taken = [sut.take(0), sut.take(0), sut.take(0), sut.take(0)];

    expect(taken).toEqual([serverError, serverError, timeout, undefined]);
  });

  it('should apply a timed fault to every creation inside its window and none after it', () => {
    const sut = new TwilioFaultPlan();
    sut.activateFor(1_000, 500, timeout);

    expect([sut.take(1_000), sut.take(1_499), sut.take(1_500)]).toEqual([
      timeout,
      timeout,
      undefined,
    ]);
  });

  it('should use queued faults before a timed one and forget everything on clear', () => {
    const sut = new TwilioFaultPlan();
    sut.activateFor(0, 10_000, timeout);
    sut.queue(1, serverError);

    const first = sut.take(1);
    const second = sut.take(2);
    sut.clear();

    expect([first, second, sut.take(3)]).toEqual([serverError, timeout, undefined]);
  });

  it('should keep a fault queued for one number for a creation to that number only', () => {
    const sut = new TwilioFaultPlan();
    sut.queue(1, timeout, '+15005550100');

    const toOthers = [sut.take(0, '+15005550999'), sut.take(0)];
    const toTarget = sut.take(0, '+15005550100');

    expect(toOthers).toEqual([undefined, undefined]);
    expect([toTarget, sut.take(0, '+15005550100')]).toEqual([timeout, undefined]);
  });
});
