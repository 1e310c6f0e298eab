import { DEFAULT_QUIET_HOURS, isWithinAllowedHours, moveOutOfQuietHours } from './quiet-hours';

const zone = 'America/Chicago';

describe(moveOutOfQuietHours.name, () => {
  const range = {
    notBefore: new Date('2030-06-01T00:00:00Z'),
    before: new Date('2030-07-01T00:00:00Z'),
  };

  it('should leave an allowed time alone', () => {
    const due = new Date('2030-06-10T15:00:00Z'); // 10:00 CDT
    expect(moveOutOfQuietHours(due, zone, DEFAULT_QUIET_HOURS, range)).toEqual(due);
  });

  it('should move 22:00 back to 20:59, nearer than 08:00 next morning', () => {
    const due = new Date('2030-06-11T03:00:00Z'); // 22:00 CDT on Jun 10
    expect(moveOutOfQuietHours(due, zone, DEFAULT_QUIET_HOURS, range)).toEqual(
      new Date('2030-06-11T01:59:00Z'),
    );
  });

  it('should move 06:00 forward to 08:00, nearer than 20:59 the evening before', () => {
    const due = new Date('2030-06-10T11:00:00Z'); // 06:00 CDT
    expect(moveOutOfQuietHours(due, zone, DEFAULT_QUIET_HOURS, range)).toEqual(
      new Date('2030-06-10T13:00:00Z'),
    );
  });

  it('should treat 21:00 as closed and 08:00 as open', () => {
    expect(isWithinAllowedHours(new Date('2030-06-11T02:00:00Z'), zone, DEFAULT_QUIET_HOURS)).toBe(
      false,
    );
    expect(isWithinAllowedHours(new Date('2030-06-10T13:00:00Z'), zone, DEFAULT_QUIET_HOURS)).toBe(
      true,
    );
  });
});
