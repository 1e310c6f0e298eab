import { randomUUID } from 'node:crypto';

import { DateTime } from 'luxon';

/**
 * The seed's worked example as data: a group with clinics and providers booking a week of
 * appointments, plus the addresses the Maps stand-in knows. Deterministic for a seed.
 * Defaults: 3 clinics, 12 providers (6 clinicians, 6 RNs), 220 appointments (120 clinic visits,
 * 100 home visits of which 2 need a credential nobody holds and 1 has an address Maps cannot find).
 */
export interface SeedWeekOptions {
  readonly weekStart?: string;
  readonly timeZone?: string;
  readonly clinics?: number;
  readonly clinicians?: number;
  readonly nurses?: number;
  readonly clinicVisits?: number;
  readonly homeVisits?: number;
  readonly unservableCredential?: number;
  readonly unresolvableAddresses?: number;
  /** Plan days (default Mon–Fri of weekStart). */
  readonly days?: number;
  readonly seed?: number;
}

export interface SeedProvider {
  readonly providerId: string;
  readonly body: Record<string, unknown>;
}

export interface SeedAppointment {
  readonly appointmentId: string;
  readonly start: Date;
  readonly durationMinutes: number;
  readonly typeCode: string;
  /** scheduling's location uuid (dispatch's clinics are not configured with it). */
  readonly locationId: string;
  /** The EHR's location id (FHIR Location id): what the clinics are configured with. */
  readonly ehrLocationId: string;
  readonly addressLines: string[] | undefined;
  readonly givenName: string;
  readonly familyName: string;
}

export interface SeedWeek {
  readonly timeZone: string;
  readonly days: string[];
  readonly clinics: { clinicId: string; body: Record<string, unknown> }[];
  readonly rules: { typeCode: string; body: Record<string, unknown> }[];
  readonly providers: SeedProvider[];
  readonly appointments: SeedAppointment[];
  /** Address → coordinates for the Maps stand-in (the unresolvable ones are left out). */
  readonly addresses: Record<string, { lat: number; lon: number }>;
}

const CENTER = { lat: 40.7357, lon: -74.1724 }; // Newark, NJ

export function seedWeek(options: SeedWeekOptions = {}): SeedWeek {
  const random = mulberry32(options.seed ?? 7);
  const timeZone = options.timeZone ?? 'America/New_York';
  const weekStart = DateTime.fromISO(options.weekStart ?? '2030-03-11', { zone: timeZone });
  const days = Array.from(
    { length: options.days ?? 5 },
    (_, i) => weekStart.plus({ days: i }).toISODate() ?? '',
  );
  const near = (km: number) => ({
    lat: CENTER.lat + ((random() - 0.5) * 2 * km) / 111,
    lon: CENTER.lon + ((random() - 0.5) * 2 * km) / 85,
  });

  const clinics = Array.from({ length: options.clinics ?? 3 }, (_, i) => {
    const coordinates = near(8);
    return {
      clinicId: `clinic-${i + 1}`,
      locationId: randomUUID(),
      ehrLocationId: `ehr-location-clinic-${i + 1}`,
      coordinates,
      body: {
        name: `Clinic ${i + 1}`,
        address: `${100 + i} Main St, Newark, NJ`,
        coordinates,
        locationIds: [] as string[],
        openingHours: [
          { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', until: '17:00' },
        ],
        blocks: [
          { name: 'AM', from: '08:00', until: '12:00' },
          { name: 'PM', from: '13:00', until: '17:00' },
        ],
      },
    };
  });
  // Coordinators configure clinics by the EHR's location ids, never scheduling's uuids.
  for (const clinic of clinics) clinic.body.locationIds = [clinic.ehrLocationId];

  const rules = [
    {
      typeCode: 'clinic-visit',
      body: {
        requiredCredentials: ['clinician'],
        visitMode: 'clinic',
        defaultDurationMinutes: 30,
        priority: 2,
      },
    },
    {
      typeCode: 'home-visit',
      body: {
        requiredCredentials: ['RN'],
        visitMode: 'home',
        defaultDurationMinutes: 45,
        priority: 1,
      },
    },
    {
      typeCode: 'wound-care',
      body: {
        requiredCredentials: ['wound-care'],
        visitMode: 'home',
        defaultDurationMinutes: 45,
        priority: 1,
      },
    },
  ];

  const availability = ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({
    day,
    from: '08:00',
    until: '17:00',
  }));
  const provider = (providerId: string, credentials: string[], index: number): SeedProvider => {
    const home = near(12);
    return {
      providerId,
      body: {
        displayName: `Provider ${index + 1}`,
        credentials,
        homeBase: { address: `${index + 1} Elm St, Newark, NJ`, coordinates: home },
        clinicIds: credentials.includes('clinician')
          ? clinics.map((clinic) => clinic.clinicId)
          : [],
        weeklyAvailability: availability,
        maxHoursPerDay: 10,
        maxHoursPerWeek: 50,
        delivery: {
          channel: { kind: 'slack', slackUserId: `U${String(index + 1).padStart(8, '0')}` },
          quietTimes: [
            {
              days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
              from: '21:00',
              until: '07:00',
            },
          ],
          timeZone,
        },
      },
    };
  };
  const clinicianCount = options.clinicians ?? 6;
  const nurseCount = options.nurses ?? 6;
  const providers = [
    ...Array.from({ length: clinicianCount }, (_, i) =>
      provider(`clin-${i + 1}`, ['clinician', 'NP'], i),
    ),
    ...Array.from({ length: nurseCount }, (_, i) =>
      provider(`rn-${i + 1}`, ['RN'], clinicianCount + i),
    ),
  ];

  const appointments: SeedAppointment[] = [];
  const addresses: Record<string, { lat: number; lon: number }> = {};
  const name = (): { givenName: string; familyName: string } => ({
    givenName: GIVEN[Math.floor(random() * GIVEN.length)],
    familyName: FAMILY[Math.floor(random() * FAMILY.length)],
  });
  const clinicVisits = options.clinicVisits ?? 120;
  // Clinic visits: 30-minute slots, spread over clinics, days and the two blocks.
  const slots = [
    '08:30',
    '09:00',
    '09:30',
    '10:00',
    '10:30',
    '11:00',
    '13:30',
    '14:00',
    '14:30',
    '15:00',
    '15:30',
    '16:00',
  ];
  for (let i = 0; i < clinicVisits; i += 1) {
    const clinic = clinics[i % clinics.length];
    const day = days[Math.floor(i / clinics.length) % days.length];
    const slot = slots[Math.floor(i / (clinics.length * days.length)) % slots.length];
    appointments.push({
      appointmentId: randomUUID(),
      start: DateTime.fromISO(`${day}T${slot}`, { zone: timeZone }).toJSDate(),
      durationMinutes: 30,
      typeCode: 'clinic-visit',
      locationId: clinic.locationId,
      ehrLocationId: clinic.ehrLocationId,
      addressLines: undefined,
      ...name(),
    });
  }
  const homeVisits = options.homeVisits ?? 100;
  const unservable = options.unservableCredential ?? 2;
  const unresolvable = options.unresolvableAddresses ?? 1;
  for (let i = 0; i < homeVisits; i += 1) {
    const day = days[i % days.length];
    const minutes = 9 * 60 + Math.floor(random() * 13) * 30; // 09:00–15:00
    const start = DateTime.fromISO(day, { zone: timeZone }).plus({ minutes }).toJSDate();
    const address = `${1000 + i} Patient Way, Newark, NJ`;
    if (i >= unresolvable) addresses[address] = near(10);
    appointments.push({
      appointmentId: randomUUID(),
      start,
      durationMinutes: 45,
      typeCode: i >= unresolvable && i < unresolvable + unservable ? 'wound-care' : 'home-visit',
      locationId: randomUUID(),
      ehrLocationId: `ehr-location-home-${i + 1}`,
      addressLines: [address],
      ...name(),
    });
  }
  return {
    timeZone,
    days,
    clinics: clinics.map(({ clinicId, body }) => ({ clinicId, body })),
    rules,
    providers,
    appointments,
    addresses,
  };
}

const GIVEN = [
  'Maria',
  'James',
  'Aisha',
  'Wei',
  'Olga',
  'Carlos',
  'Fatima',
  'John',
  'Priya',
  'Liam',
];
const FAMILY = [
  'Garcia',
  'Smith',
  'Khan',
  'Chen',
  'Ivanova',
  'Lopez',
  'Ali',
  'Brown',
  'Patel',
  'Murphy',
];

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
