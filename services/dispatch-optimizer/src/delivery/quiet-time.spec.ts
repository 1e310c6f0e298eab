import { deliverableAt } from './quiet-time';

import type { QuietTime } from '../roster/roster.model';

const zone = 'America/New_York';
const nights: QuietTime = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  from: '21:00',
  until: '07:00',
};
const weekend: QuietTime[] = [
  { days: ['sat'], from: '00:00', until: '23:59' },
  { days: ['sun'], from: '00:00', until: '23:59' },
];
const weekly = { revised: false, days: ['2030-03-11', '2030-03-12'] };

describe(deliverableAt.name, () => {
  it('should send at once outside every quiet time', () => {
    const now = new Date('2030-03-10T21:00:00Z'); // Sun 17:00 EDT

    expect(deliverableAt(now, { quietTimes: [nights], timeZone: zone }, weekly)).toEqual(now);
  });

  it('should defer until the quiet time that wraps past midnight ends', () => {
    const now = new Date('2030-03-11T02:30:00Z'); // Sun 22:30 EDT

    expect(deliverableAt(now, { quietTimes: [nights], timeZone: zone }, weekly)).toEqual(
      new Date('2030-03-11T11:00:00Z'), // Mon 07:00 EDT
    );
  });

  it('should defer from the small hours of a window that started the evening before', () => {
    const now = new Date('2030-03-12T09:00:00Z'); // Tue 05:00 EDT

    expect(deliverableAt(now, { quietTimes: [nights], timeZone: zone }, weekly)).toEqual(
      new Date('2030-03-12T11:00:00Z'),
    );
  });

  it('should treat back-to-back whole days as one quiet weekend', () => {
    const now = new Date('2030-03-09T15:00:00Z'); // Sat 10:00 EST

    expect(deliverableAt(now, { quietTimes: weekend, timeZone: zone }, weekly)).toEqual(
      new Date('2030-03-11T04:00:00Z'), // Mon 00:00 EDT (DST began Sunday)
    );
  });

  it('should read quiet times in the provider zone', () => {
    const now = new Date('2030-03-11T02:30:00Z'); // 22:30 in New York, 19:30 in Los Angeles

    expect(
      deliverableAt(now, { quietTimes: [nights], timeZone: 'America/Los_Angeles' }, weekly),
    ).toEqual(now);
  });

  it('should send a same-day revision through quiet time and defer a revision for a later day', () => {
    const now = new Date('2030-03-12T10:30:00Z'); // Tue 06:30 EDT
    const preferences = { quietTimes: [nights], timeZone: zone };

    expect(deliverableAt(now, preferences, { revised: true, days: ['2030-03-12'] })).toEqual(now);
    expect(deliverableAt(now, preferences, { revised: true, days: ['2030-03-13'] })).toEqual(
      new Date('2030-03-12T11:00:00Z'),
    );
  });
});
