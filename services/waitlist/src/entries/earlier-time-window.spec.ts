import { earlierTimeWindow } from './earlier-time-window';

describe(earlierTimeWindow.name, () => {
  const zone = 'America/New_York';

  it('should run from today to the day before the visit, in the visit’s zone', () => {
    // 23:30 on Nov 30 in New York is Dec 1 in UTC: the local day counts.
    const sut = earlierTimeWindow(
      new Date('2026-12-01T04:30:00Z'),
      new Date('2026-12-10T15:00:00Z'),
      zone,
    );

    expect(sut).toEqual({ earliestDate: '2026-11-30', latestDate: '2026-12-09' });
  });

  it('should leave today only for a visit tomorrow or today', () => {
    const now = new Date('2026-11-30T14:00:00Z');

    expect(earlierTimeWindow(now, new Date('2026-12-01T15:00:00Z'), zone)).toEqual({
      earliestDate: '2026-11-30',
      latestDate: '2026-11-30',
    });
    expect(earlierTimeWindow(now, new Date('2026-11-30T20:00:00Z'), zone)).toEqual({
      earliestDate: '2026-11-30',
      latestDate: '2026-11-30',
    });
  });

  it('should refuse an unknown zone', () => {
    expect(() => earlierTimeWindow(new Date(), new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});
