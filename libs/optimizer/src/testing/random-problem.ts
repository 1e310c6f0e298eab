import fc from 'fast-check';

import type { Appointment, Clinic, Problem, Provider, TimeWindow } from '../model';

/** Test-data builders shared by the optimizer specs (not exported from the library). */
export const CREDENTIALS = ['MD', 'NP', 'RN', 'LPN', 'phlebotomy', 'wound-care'] as const;
const HOUR = 3600;

/** Undefined most of the time: restrictions should be the exception, or little would be servable. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, weight = 1) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary, weight });

const subset = <T>(items: readonly T[], maxLength: number) =>
  fc.subarray([...items], { maxLength: Math.min(maxLength, items.length) });

function providerArbitrary(index: number, locationCount: number): fc.Arbitrary<Provider> {
  return fc
    .record({
      credentials: fc.subarray([...CREDENTIALS], { minLength: 2 }),
      startLocation: fc.nat(locationCount - 1),
      endLocation: fc.nat(locationCount - 1),
      shiftStartHour: fc.integer({ min: 6, max: 11 }),
      shiftHours: fc.integer({ min: 3, max: 10 }),
      secondShift: fc.boolean(),
      maxWorkingHours: fc.option(fc.integer({ min: 2, max: 9 }), { nil: undefined }),
      regularHours: fc.option(fc.integer({ min: 2, max: 8 }), { nil: undefined }),
      maxVisits: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      capacity: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
    })
    .map((r) => ({
      id: `p${index}`,
      credentials: r.credentials,
      startLocation: r.startLocation,
      endLocation: r.endLocation,
      availability: [
        { start: r.shiftStartHour * HOUR, end: (r.shiftStartHour + r.shiftHours) * HOUR },
        ...(r.secondShift
          ? [
              {
                start: 24 * HOUR + r.shiftStartHour * HOUR,
                end: 24 * HOUR + (r.shiftStartHour + r.shiftHours) * HOUR,
              },
            ]
          : []),
      ],
      maxWorkingSeconds: r.maxWorkingHours === undefined ? undefined : r.maxWorkingHours * HOUR,
      regularWorkingSeconds: r.regularHours === undefined ? undefined : r.regularHours * HOUR,
      maxVisits: r.maxVisits,
      capacity: r.capacity,
    }));
}

function appointmentArbitrary(
  index: number,
  locationCount: number,
  providerIds: string[],
): fc.Arbitrary<Appointment> {
  return fc
    .record({
      location: fc.nat(locationCount - 1),
      minutes: fc.integer({ min: 10, max: 90 }),
      timing: fc.oneof(
        fc.constant({ kind: 'any' as const }),
        fc.record({
          kind: fc.constant('windows' as const),
          starts: fc.array(fc.integer({ min: 6 * 4, max: 44 * 4 }), { minLength: 1, maxLength: 2 }),
          width: fc.integer({ min: 0, max: 16 }),
        }),
        fc.record({
          kind: fc.constant('fixed' as const),
          at: fc.integer({ min: 7 * 4, max: 17 * 4 }),
        }),
      ),
      requiredCredentials: subset(CREDENTIALS, 1),
      priority: fc.integer({ min: 1, max: 3 }),
      preferred: subset(providerIds, 1),
      required: rarely(subset(providerIds, 2)),
      excluded: rarely(subset(providerIds, 1)),
      load: fc.integer({ min: 0, max: 3 }),
      pinned: rarely(fc.constantFrom(...providerIds)),
    })
    .map((r) => ({
      id: `a${index}`,
      location: r.location,
      durationSeconds: r.minutes * 60,
      timeWindows: windowsOf(r.timing),
      fixedStart: r.timing.kind === 'fixed' ? r.timing.at * 900 : undefined,
      requiredCredentials: r.requiredCredentials,
      priority: r.priority,
      preferredProviders: r.preferred,
      requiredProviders: r.required,
      excludedProviders: r.excluded,
      load: r.load,
      pinnedProvider: r.pinned,
    }));
}

function windowsOf(timing: {
  kind: string;
  starts?: number[];
  width?: number;
}): { start: number; end: number }[] | undefined {
  if (timing.kind !== 'windows' || !timing.starts) return undefined;
  const width = timing.width ?? 0;
  return timing.starts.map((q) => ({ start: q * 900, end: q * 900 + width * 900 }));
}

/** Clinics and, usually, half-day clinic blocks on both days the shifts cover (day 2 for second shifts). */
interface ClinicSetup {
  readonly clinics: Clinic[];
  readonly clinicBlocks?: TimeWindow[];
}

const onBothDays = (windows: readonly TimeWindow[]): TimeWindow[] =>
  [0, 24 * HOUR].flatMap((day) => windows.map((w) => ({ start: day + w.start, end: day + w.end })));

function clinicSetupArbitrary(locationCount: number): fc.Arbitrary<ClinicSetup | undefined> {
  const clinic = (index: number) =>
    fc
      .record({
        location: fc.nat(locationCount - 1),
        opensHour: fc.integer({ min: 6, max: 10 }),
        closesHour: fc.integer({ min: 13, max: 19 }),
        lunchBreak: fc.boolean(),
      })
      .map((r): Clinic => ({
        id: `clinic-${index}`,
        location: r.location,
        openingHours: onBothDays(
          r.lunchBreak
            ? [
                { start: r.opensHour * HOUR, end: 12 * HOUR },
                { start: 13 * HOUR, end: r.closesHour * HOUR },
              ]
            : [{ start: r.opensHour * HOUR, end: r.closesHour * HOUR }],
        ),
      }));
  const setup = fc
    .record({
      clinics: fc
        .integer({ min: 1, max: 3 })
        .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => clinic(i)))),
      blocks: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 1 },
        { arbitrary: fc.integer({ min: 11, max: 14 }), weight: 3 },
      ),
    })
    .map(({ clinics, blocks }): ClinicSetup => ({
      clinics,
      ...(blocks === undefined
        ? {}
        : {
            clinicBlocks: onBothDays([
              { start: 0, end: blocks * HOUR },
              { start: blocks * HOUR, end: 24 * HOUR },
            ]),
          }),
    }));
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: setup, weight: 1 },
  );
}

/** Moves some appointments into the clinics (at the clinic's location), keeping their windows and restrictions. */
function withClinicVisits(
  appointments: readonly Appointment[],
  clinics: readonly Clinic[],
  picks: readonly (number | undefined)[],
): Appointment[] {
  return appointments.map((a, i) => {
    const pick = picks[i];
    if (pick === undefined || clinics.length === 0) return a;
    const clinic = clinics[pick % clinics.length];
    return { ...a, location: clinic.location, clinicId: clinic.id };
  });
}

/**
 * Small random practice problems: ≤ 4 providers, ≤ 12 appointments, a 15 km patch of town, great-circle travel.
 * About a third have clinics (some visits held there, opening hours with or without a lunch break) and most of those
 * have half-day clinic blocks, so the clinic rules are fuzzed along with the rest.
 */
export function problemArbitrary(
  options: { maxAppointments?: number; maxProviders?: number } = {},
): fc.Arbitrary<Problem> {
  const maxAppointments = options.maxAppointments ?? 12;
  const maxProviders = options.maxProviders ?? 4;
  return fc
    .record({
      points: fc.array(
        fc.tuple(
          fc.double({ min: 0, max: 0.12, noNaN: true }),
          fc.double({ min: 0, max: 0.15, noNaN: true }),
        ),
        { minLength: 2, maxLength: 10 },
      ),
      providerCount: fc.integer({ min: 1, max: maxProviders }),
      appointmentCount: fc.integer({ min: 1, max: maxAppointments }),
    })
    .chain(({ points, providerCount, appointmentCount }) => {
      const providerIds = Array.from({ length: providerCount }, (_, i) => `p${i}`);
      return fc
        .record({
          providers: fc.tuple(...providerIds.map((_, i) => providerArbitrary(i, points.length))),
          appointments: fc.tuple(
            ...Array.from({ length: appointmentCount }, (_, i) =>
              appointmentArbitrary(i, points.length, providerIds),
            ),
          ),
          clinicSetup: clinicSetupArbitrary(points.length),
          clinicPicks: fc.array(fc.option(fc.nat(2), { nil: undefined, freq: 2 }), {
            minLength: appointmentCount,
            maxLength: appointmentCount,
          }),
        })
        .map(({ providers, appointments, clinicSetup, clinicPicks }) => ({
          locations: points.map(([dLat, dLon], i) => ({
            id: `l${i}`,
            coordinates: { lat: 40.7 + dLat, lon: -74.0 + dLon },
          })),
          providers,
          appointments: clinicSetup
            ? withClinicVisits(appointments, clinicSetup.clinics, clinicPicks)
            : appointments,
          ...(clinicSetup ?? {}),
          travel: { kind: 'great-circle' as const },
        }));
    });
}

/** One RN working 08:00–16:00 from location 0, and a handful of appointments, for hand-written cases. */
export function simpleProblem(overrides: Partial<Problem> = {}): Problem {
  return {
    locations: [
      { id: 'home', coordinates: { lat: 40.7, lon: -74.0 } },
      { id: 'patient-1', coordinates: { lat: 40.72, lon: -74.01 } },
      { id: 'patient-2', coordinates: { lat: 40.73, lon: -73.98 } },
      { id: 'far-away', coordinates: { lat: 42.7, lon: -71.0 } },
    ],
    providers: [
      {
        id: 'rn-1',
        credentials: ['RN'],
        startLocation: 0,
        endLocation: 0,
        availability: [{ start: 8 * HOUR, end: 16 * HOUR }],
        capacity: 5,
      },
    ],
    appointments: [
      {
        id: 'visit-1',
        location: 1,
        durationSeconds: 1800,
        requiredCredentials: ['RN'],
        timeWindows: [{ start: 9 * HOUR, end: 11 * HOUR }],
      },
      { id: 'visit-2', location: 2, durationSeconds: 2700, requiredCredentials: ['RN'] },
    ],
    ...overrides,
  };
}
