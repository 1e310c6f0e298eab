import { aPlanVersion, aProviderDay, SEED_WEEK } from '../delivery/delivery-test-fixtures';

import { appointmentIdsOf, currentItinerary } from './current-itinerary';

describe(currentItinerary.name, () => {
  const tenantId = 'tenant-page';
  const provider = { providerId: 'provider-01', displayName: 'Provider 1' };
  const [monday, tuesday] = SEED_WEEK;
  const mondayOfProvider1 = aProviderDay('provider-01', monday, 3);
  const sent = aPlanVersion(tenantId, 'plan-1', 1, [
    mondayOfProvider1,
    aProviderDay('provider-01', tuesday, 2),
    aProviderDay('provider-02', monday, 4),
  ]);

  it('should show the sent days unchanged when no newer plan covers them', () => {
    const sut = currentItinerary(sent, new Map(), provider, [monday, tuesday]);

    expect(sut.changed).toBe(false);
    expect(sut.itinerary.days.map((d) => [d.day, d.stops.length])).toEqual([
      [monday, 3],
      [tuesday, 2],
    ]);
    expect(appointmentIdsOf(sut.itinerary)).toHaveLength(5);
  });

  it("should not call a re-plan that left the provider's days alone a change", () => {
    const replan = aPlanVersion(tenantId, 'plan-1', 2, [
      mondayOfProvider1,
      aProviderDay('provider-02', monday, 1),
    ]);

    const sut = currentItinerary(sent, new Map([[monday, replan]]), provider, [monday]);

    expect(sut.changed).toBe(false);
  });

  it('should show the current version of a day that changed, and say so', () => {
    const replan = aPlanVersion(tenantId, 'plan-1', 2, [aProviderDay('provider-01', monday, 1)]);

    const sut = currentItinerary(sent, new Map([[monday, replan]]), provider, [monday, tuesday]);

    expect(sut.changed).toBe(true);
    expect(sut.itinerary.days.map((d) => [d.day, d.stops.length])).toEqual([
      [monday, 1],
      [tuesday, 2],
    ]);
  });

  it('should show a day the provider no longer has as empty (a call-out)', () => {
    const replan = aPlanVersion(tenantId, 'plan-1', 2, [aProviderDay('provider-02', monday, 4)]);

    const sut = currentItinerary(sent, new Map([[monday, replan]]), provider, [monday]);

    expect(sut.changed).toBe(true);
    expect(sut.itinerary.days).toEqual([{ day: monday, stops: [], totalDriveMinutes: 0 }]);
    expect(appointmentIdsOf(sut.itinerary)).toEqual([]);
  });
});
