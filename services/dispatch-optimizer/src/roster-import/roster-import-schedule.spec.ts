import { dueRosterImportDay } from './roster-import-schedule';

describe(dueRosterImportDay.name, () => {
  const nightly = { timeZone: 'America/New_York', rosterImportTime: '02:00' };

  it('should be due from the local time until the end of that local day', () => {
    // 02:00 in New York on 2030-03-11 is 06:00 UTC; 23:30 local is 03:30 UTC the next day.
    expect(dueRosterImportDay(nightly, new Date('2030-03-11T05:59:00Z'))).toBeNull();
    expect(dueRosterImportDay(nightly, new Date('2030-03-11T06:00:00Z'))).toBe('2030-03-11');
    expect(dueRosterImportDay(nightly, new Date('2030-03-12T03:30:00Z'))).toBe('2030-03-11');
  });

  it('should follow the practice time zone across a daylight-saving change', () => {
    // 2030-03-10 is the US spring-forward day: 02:00 does not exist, 03:00 EDT is 07:00 UTC.
    expect(dueRosterImportDay(nightly, new Date('2030-03-10T06:30:00Z'))).toBeNull();
    expect(dueRosterImportDay(nightly, new Date('2030-03-10T07:00:00Z'))).toBe('2030-03-10');
  });

  it('should never be due when the schedule is off', () => {
    expect(
      dueRosterImportDay({ ...nightly, rosterImportTime: null }, new Date('2030-03-11T12:00:00Z')),
    ).toBeNull();
  });
});
