import { type ItineraryStop, type ProviderDayItinerary } from './itinerary';

/** Test data: a home-visit day in New York (UTC-5 in December) with a clinic block. */
export function anItinerary(overrides: Partial<ProviderDayItinerary> = {}): ProviderDayItinerary {
  const stops: ItineraryStop[] = [
    {
      kind: 'home-visit',
      appointmentId: 'appt-1',
      patient: { givenName: 'Maria José', familyName: 'garcía' },
      visitType: 'Wound care',
      arrival: new Date('2026-12-07T13:25:00Z'),
      start: new Date('2026-12-07T13:30:00Z'),
      end: new Date('2026-12-07T14:15:00Z'),
      address: '12 Elm St, Brooklyn, NY',
      location: { lat: 40.6782, lng: -73.9442 },
      travelMinutesFromPrevious: 22,
    },
    {
      kind: 'clinic-block',
      clinicName: 'Midtown Clinic',
      address: '500 5th Ave, New York, NY',
      location: { lat: 40.7536, lng: -73.9832 },
      block: 'PM',
      arrival: new Date('2026-12-07T17:50:00Z'),
      start: new Date('2026-12-07T18:00:00Z'),
      end: new Date('2026-12-07T22:00:00Z'),
      travelMinutesFromPrevious: 38,
      visits: [
        {
          appointmentId: 'appt-3',
          patient: { givenName: 'Li', familyName: 'Wei' },
          visitType: 'Follow-up',
          start: new Date('2026-12-07T19:00:00Z'),
          end: new Date('2026-12-07T19:20:00Z'),
        },
        {
          appointmentId: 'appt-2',
          patient: { givenName: 'John', familyName: 'Smith' },
          visitType: 'Physical',
          start: new Date('2026-12-07T18:00:00Z'),
          end: new Date('2026-12-07T18:40:00Z'),
        },
      ],
    },
  ];
  return {
    tenantId: 'tenant-1',
    providerId: 'provider-1',
    providerName: 'Dr. Ada Okafor',
    day: '2026-12-07',
    timeZone: 'America/New_York',
    stops,
    ...overrides,
  };
}
