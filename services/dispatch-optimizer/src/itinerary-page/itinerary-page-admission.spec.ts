import { ItineraryPageAdmission } from './itinerary-page-admission';

describe(ItineraryPageAdmission.name, () => {
  it('should refuse a token over its per-minute limit, from any address, until the window ends', () => {
    const sut = new ItineraryPageAdmission({ perIpPerMinute: 100, perLinkPerMinute: 2 });

    expect(sut.admit('token-a', '10.0.0.1', 0)).toBe(true);
    expect(sut.admit('token-a', '10.0.0.2', 1_000)).toBe(true);
    expect(sut.admit('token-a', '10.0.0.3', 2_000)).toBe(false);
    expect(sut.admit('token-b', '10.0.0.3', 2_000)).toBe(true);
    expect(sut.admit('token-a', '10.0.0.3', 60_000)).toBe(true);
  });

  it('should refuse an address over its per-minute limit, whatever tokens it tries', () => {
    const sut = new ItineraryPageAdmission({ perIpPerMinute: 2, perLinkPerMinute: 100 });

    expect(sut.admit('guess-1', '10.0.0.9', 0)).toBe(true);
    expect(sut.admit('guess-2', '10.0.0.9', 0)).toBe(true);
    expect(sut.admit('guess-3', '10.0.0.9', 0)).toBe(false);
    expect(sut.admit('guess-3', '10.0.0.10', 0)).toBe(true);
  });
});
