import {
  CLINIC_VISIT_TYPES,
  credentialsFor,
  DAY,
  HOUR,
  MINUTE,
  priorityFor,
  roleMix,
  type VisitType,
} from './care-catalog';
import { METRO_CENTER, offset, pointInDisc } from './geo';
import { SeededRandom } from './random';

import type { Appointment, Clinic, Location, Problem, Provider, TimeWindow } from '../model';

export interface ClinicWeekOptions {
  readonly seed?: number;
  /** Default 220 (the seed customer's weekly volume). */
  readonly appointments?: number;
  /** Default 12. */
  readonly providers?: number;
}

const DAYS = 5;
const SLOT = 5 * MINUTE;

interface ClinicSpec {
  readonly id: string;
  readonly eastKm: number;
  readonly northKm: number;
  /** Opening hours per weekday (Mon..Fri) as [open, close] hours of day; null = closed. */
  readonly hours: readonly ([number, number] | null)[];
  /** Share of the bookings. */
  readonly weight: number;
}

/** Three clinics of one group, ~10–15 km apart, with different hours. */
const CLINICS: readonly ClinicSpec[] = [
  {
    id: 'clinic-north',
    eastKm: 3,
    northKm: 11,
    hours: [
      [8, 17],
      [8, 17],
      [8, 17],
      [8, 17],
      [8, 17],
    ],
    weight: 0.4,
  },
  {
    id: 'clinic-west',
    eastKm: -12,
    northKm: -1,
    hours: [
      [8, 18],
      [8, 18],
      [8, 13],
      [8, 18],
      [8, 16],
    ],
    weight: 0.35,
  },
  {
    id: 'clinic-south',
    eastKm: 2,
    northKm: -13,
    hours: [[9, 17], null, [9, 17], null, [9, 17]],
    weight: 0.25,
  },
];

/** Half-day blocks: a provider works at one clinic per morning and one per afternoon. */
function halfDayBlocks(): TimeWindow[] {
  const blocks: TimeWindow[] = [];
  for (let day = 0; day < DAYS; day += 1) {
    blocks.push({ start: day * DAY, end: day * DAY + 12.5 * HOUR - 1 });
    blocks.push({ start: day * DAY + 12.5 * HOUR, end: day * DAY + DAY - 1 });
  }
  return blocks;
}

/**
 * The seed customer's week: 3 clinics, 12 providers, ~220 fixed-time bookings
 * Monday to Friday. Times are seconds from Monday 00:00; every appointment has
 * a fixed start at a clinic; each provider works one shift per working day.
 */
export function generateClinicWeek(options: ClinicWeekOptions = {}): Problem {
  const random = new SeededRandom(options.seed ?? 1);
  const appointmentCount = options.appointments ?? 220;
  const providerCount = options.providers ?? 12;

  const locations: Location[] = [];
  const clinics: Clinic[] = CLINICS.map((spec) => {
    locations.push({ id: spec.id, coordinates: offset(METRO_CENTER, spec.eastKm, spec.northKm) });
    const openingHours: TimeWindow[] = [];
    spec.hours.forEach((hours, day) => {
      if (hours)
        openingHours.push({ start: day * DAY + hours[0] * HOUR, end: day * DAY + hours[1] * HOUR });
    });
    return { id: spec.id, location: locations.length - 1, openingHours };
  });

  const providers: Provider[] = roleMix(providerCount, random).map((role, index) => {
    const id = `P${String(index + 1).padStart(2, '0')}`;
    locations.push({ id: `home-${id}`, coordinates: pointInDisc(random, METRO_CENTER, 20) });
    const home = locations.length - 1;
    // A quarter of the staff is part-time: three or four days instead of five.
    const workingDays = random.chance(0.25)
      ? dropDays(random, random.integer(1, 2))
      : [0, 1, 2, 3, 4];
    return {
      id,
      credentials: credentialsFor(role, random),
      startLocation: home,
      endLocation: home,
      availability: workingDays.map((day) => ({
        start: day * DAY + 7 * HOUR,
        end: day * DAY + 19 * HOUR,
      })),
      maxWorkingSeconds: 10 * HOUR,
      regularWorkingSeconds: 8.5 * HOUR,
    };
  });

  const unnumbered: Omit<Appointment, 'id'>[] = [];
  for (let count = 0; count < appointmentCount; count += 1) {
    const clinicIndex = random.weighted(
      CLINICS.map((spec, position) => [position, spec.weight] as const),
    );
    const spec = CLINICS[clinicIndex];
    const openDays = spec.hours.flatMap((hours, day) => (hours ? [day] : []));
    const day = random.pick(openDays);
    const [open, close] = spec.hours[day] as [number, number];
    const visit: VisitType = random.weighted(
      CLINIC_VISIT_TYPES.map((type) => [type, type.weight] as const),
    );
    const duration = random.pick(visit.durationsMinutes) * MINUTE;
    const latestSlot = Math.floor((close * HOUR - duration - open * HOUR) / SLOT);
    const start = day * DAY + open * HOUR + random.integer(0, latestSlot) * SLOT;
    const clinic = clinics[clinicIndex];
    unnumbered.push({
      location: clinic.location,
      clinicId: clinic.id,
      durationSeconds: duration,
      fixedStart: start,
      requiredCredentials: [...visit.requiredCredentials],
      priority: priorityFor(random),
      ...preferredProvider(random, providers, visit),
    });
  }
  // Numbered in time order so ids read like a booking ledger; ties keep generation order (stable sort).
  unnumbered.sort((a, b) => (a.fixedStart ?? 0) - (b.fixedStart ?? 0));
  const appointments: Appointment[] = unnumbered.map((appointment, index) => ({
    id: `A${String(index + 1).padStart(4, '0')}`,
    ...appointment,
  }));

  return {
    locations,
    providers,
    appointments,
    clinics,
    clinicBlocks: halfDayBlocks(),
    travel: { kind: 'great-circle' },
  };
}

function dropDays(random: SeededRandom, count: number): number[] {
  const days = [0, 1, 2, 3, 4];
  for (let dropped = 0; dropped < count; dropped += 1)
    days.splice(random.integer(0, days.length - 1), 1);
  return days;
}

/** Continuity of care: a quarter of the patients ask for "their" provider (one who can do the visit). */
export function preferredProvider(
  random: SeededRandom,
  providers: readonly Provider[],
  visit: VisitType,
): { preferredProviders?: string[] } {
  if (!random.chance(0.25)) return {};
  const able = providers.filter((provider) =>
    visit.requiredCredentials.every((credential) => provider.credentials.includes(credential)),
  );
  return able.length === 0 ? {} : { preferredProviders: [random.pick(able).id] };
}
