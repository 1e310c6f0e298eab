import { nextOfferOpening } from './offer-hours';

const HOURS = { from: '08:00', until: '21:00' };
const NEW_YORK = 'America/New_York';

describe(nextOfferOpening.name, () => {
  it('should let a wave go now inside the offer hours, up to the minute before closing', () => {
    expect(nextOfferOpening(new Date('2030-03-11T13:00:00Z'), NEW_YORK, HOURS)).toBeNull(); // 09:00
    expect(nextOfferOpening(new Date('2030-03-12T00:59:00Z'), NEW_YORK, HOURS)).toBeNull(); // 20:59
  });

  it('should hold a wave at the evening close until tomorrow 08:00 local', () => {
    const sut = nextOfferOpening(new Date('2030-03-12T01:00:00Z'), NEW_YORK, HOURS); // 21:00

    expect(sut).toEqual(new Date('2030-03-12T12:00:00Z')); // 08:00 EDT
  });

  it('should hold a wave after midnight until 08:00 the same morning', () => {
    const sut = nextOfferOpening(new Date('2030-03-12T07:30:00Z'), NEW_YORK, HOURS); // 03:30

    expect(sut).toEqual(new Date('2030-03-12T12:00:00Z'));
  });

  it('should read the hours in the slot’s zone across a DST change', () => {
    // 2030-03-10 is the spring-forward Sunday in New York: 23:00 EST Saturday → 08:00 EDT Sunday.
    const sut = nextOfferOpening(new Date('2030-03-10T04:00:00Z'), NEW_YORK, HOURS);

    expect(sut).toEqual(new Date('2030-03-10T12:00:00Z'));
  });

  it('should follow a practice’s own hours in another zone', () => {
    const sut = nextOfferOpening(new Date('2030-03-11T05:00:00Z'), 'Europe/Berlin', {
      from: '07:30',
      until: '20:00',
    }); // 06:00 in Berlin

    expect(sut).toEqual(new Date('2030-03-11T06:30:00Z'));
  });
});
