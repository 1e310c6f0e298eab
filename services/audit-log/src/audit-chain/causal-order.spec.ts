import { causalOrder, type CausalNode } from './causal-order';

let recorded = 0n;
function event(eventId: string, causationId: string | null, occurredAtSecond: number): CausalNode {
  recorded += 1n;
  return {
    eventId,
    causationId,
    occurredAt: new Date(Date.UTC(2030, 0, 1, 9, 0, occurredAtSecond)),
    recordedOrder: recorded,
  };
}

const ids = (events: readonly CausalNode[]): string[] => events.map((e) => e.eventId);

describe(causalOrder.name, () => {
  const sut = causalOrder;

  it('should put a cause before its effect even when the effect claims an earlier time', () => {
    const smsSent = event('sms-sent', 'sms-queued', 1);
    const smsQueued = event('sms-queued', 'booked', 2);
    const booked = event('booked', 'ehr-booked', 4);
    const ehrBooked = event('ehr-booked', null, 5);
    expect(ids(sut([smsSent, smsQueued, booked, ehrBooked]))).toEqual([
      'ehr-booked',
      'booked',
      'sms-queued',
      'sms-sent',
    ]);
  });

  it('should interleave independent branches by occurred_at', () => {
    const ehrBooked = event('ehr-booked', null, 0);
    const booked = event('booked', 'ehr-booked', 1);
    const ehrRescheduled = event('ehr-rescheduled', null, 2);
    const confirmation = event('confirmation', 'booked', 3);
    const rescheduled = event('rescheduled', 'ehr-rescheduled', 4);
    expect(ids(sut([rescheduled, confirmation, ehrRescheduled, booked, ehrBooked]))).toEqual([
      'ehr-booked',
      'booked',
      'ehr-rescheduled',
      'confirmation',
      'rescheduled',
    ]);
  });

  it('should break occurred_at ties by recorded order', () => {
    const first = event('first', null, 7);
    const second = event('second', null, 7);
    expect(ids(sut([second, first]))).toEqual(['first', 'second']);
  });

  it('should treat an event whose cause is outside the trail as a root', () => {
    const orphan = event('orphan', 'not-in-trail', 3);
    const root = event('root', null, 1);
    expect(ids(sut([orphan, root]))).toEqual(['root', 'orphan']);
  });

  it('should still list every event when causation ids form a cycle', () => {
    const a = event('a', 'b', 1);
    const b = event('b', 'a', 2);
    const c = event('c', null, 0);
    expect(ids(sut([a, b, c]))).toEqual(['c', 'a', 'b']);
  });
});
