import { type HomeVisitStop, type ProviderDayItinerary, type ProviderItinerary } from './itinerary';

/** Test data: a New York provider (UTC-5 in December), a home visit then a clinic block. */
export function aDay(overrides: Partial<ProviderDayItinerary> = {}): ProviderDayItinerary {
  return {
    day: '2026-12-07',
    totalDriveMinutes: 85,
    stops: [
      aHomeVisit(),
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
            patientDisplayName: 'Li W.',
            visitType: 'Follow-up',
            start: new Date('2026-12-07T19:00:00Z'),
            end: new Date('2026-12-07T19:20:00Z'),
          },
          {
            appointmentId: 'appt-2',
            patientDisplayName: 'John S.',
            visitType: 'Physical',
            start: new Date('2026-12-07T18:00:00Z'),
            end: new Date('2026-12-07T18:40:00Z'),
          },
        ],
      },
    ],
    ...overrides,
  };
}

export function aHomeVisit(overrides: Partial<HomeVisitStop> = {}): HomeVisitStop {
  return {
    kind: 'home-visit',
    appointmentId: 'appt-1',
    patientDisplayName: 'Maria G.',
    visitType: 'Wound care',
    arrival: new Date('2026-12-07T13:25:00Z'),
    start: new Date('2026-12-07T13:30:00Z'),
    end: new Date('2026-12-07T14:15:00Z'),
    address: '12 Elm St, Brooklyn, NY',
    location: { lat: 40.6782, lng: -73.9442 },
    travelMinutesFromPrevious: 22,
    ...overrides,
  };
}

export function anItinerary(overrides: Partial<ProviderItinerary> = {}): ProviderItinerary {
  return {
    tenantId: 'tenant-1',
    providerId: 'provider-1',
    providerName: 'Dr. Ada Okafor',
    timeZone: 'America/New_York',
    days: [aDay()],
    ...overrides,
  };
}
