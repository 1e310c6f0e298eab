import {
  credentialsFor,
  HOME_VISIT_TYPES,
  HOUR,
  MINUTE,
  priorityFor,
  roleMix,
  type VisitType,
} from './care-catalog';
import { preferredProvider } from './clinic-week';
import { METRO_CENTER, pointInDisc, pointNear } from './geo';
import { SeededRandom } from './random';

import type { Appointment, Location, Problem, Provider, TimeWindow } from '../model';

export interface HomeVisitDayOptions {
  readonly appointments: number;
  readonly providers: number;
  readonly seed?: number;
  /** Radius of the served area; default 25 km. */
  readonly radiusKm?: number;
}

/** Shift patterns of a home-health agency (hours of day) and their shares. */
const SHIFTS: readonly (readonly [readonly [number, number], number])[] = [
  [[8, 17], 0.6],
  [[7, 15.5], 0.2],
  [[10, 19], 0.2],
];

/**
 * One day of home visits in a metro area. Patients are clustered (neighbourhoods,
 * senior residences) with a uniform background; each visit has zero, one or two
 * start windows or, rarely, a fixed start. Times are seconds from 00:00 of the day.
 */
export function generateHomeVisitDay(options: HomeVisitDayOptions): Problem {
  const random = new SeededRandom(options.seed ?? 1);
  const radiusKm = options.radiusKm ?? 25;
  const locations: Location[] = [];

  const providers: Provider[] = roleMix(options.providers, random).map((role, index) => {
    const id = `P${String(index + 1).padStart(3, '0')}`;
    locations.push({
      id: `home-${id}`,
      coordinates: pointInDisc(random, METRO_CENTER, radiusKm * 0.9),
    });
    const [start, end] = random.weighted(SHIFTS);
    return {
      id,
      credentials: credentialsFor(role, random),
      startLocation: locations.length - 1,
      endLocation: locations.length - 1,
      availability: [{ start: start * HOUR, end: end * HOUR }],
      maxWorkingSeconds: 9.5 * HOUR,
      regularWorkingSeconds: 8 * HOUR,
    };
  });

  const clusterCount = Math.max(3, Math.round(Math.sqrt(options.appointments) / 2));
  const clusters = Array.from({ length: clusterCount }, () =>
    pointInDisc(random, METRO_CENTER, radiusKm * 0.8),
  );

  const appointments: Appointment[] = [];
  for (let index = 0; index < options.appointments; index += 1) {
    const coordinates = random.chance(0.7)
      ? pointNear(random, random.pick(clusters), 2.5)
      : pointInDisc(random, METRO_CENTER, radiusKm);
    const id = `A${String(index + 1).padStart(5, '0')}`;
    locations.push({ id: `visit-${id}`, coordinates });
    const visit: VisitType = random.weighted(
      HOME_VISIT_TYPES.map((type) => [type, type.weight] as const),
    );
    const duration = random.pick(visit.durationsMinutes) * MINUTE;
    appointments.push({
      id,
      location: locations.length - 1,
      durationSeconds: duration,
      ...timing(random),
      requiredCredentials: [...visit.requiredCredentials],
      priority: priorityFor(random),
      ...preferredProvider(random, providers, visit),
    });
  }
  return { locations, providers, appointments, travel: { kind: 'great-circle' } };
}

function timing(random: SeededRandom): { timeWindows?: TimeWindow[]; fixedStart?: number } {
  const kind = random.weighted<'any' | 'window' | 'half-day' | 'two-windows' | 'fixed'>([
    ['any', 0.32],
    ['window', 0.35],
    ['half-day', 0.2],
    ['two-windows', 0.1],
    ['fixed', 0.03],
  ]);
  switch (kind) {
    case 'any':
      return {};
    case 'window': {
      const start = random.integer(8 * 4, 15 * 4) * 15 * MINUTE;
      return { timeWindows: [{ start, end: start + 2 * HOUR }] };
    }
    case 'half-day':
      return {
        timeWindows: [
          random.chance(0.5)
            ? { start: 8 * HOUR, end: 12 * HOUR }
            : { start: 12 * HOUR, end: 17 * HOUR },
        ],
      };
    case 'two-windows':
      return {
        timeWindows: [
          { start: 9 * HOUR, end: 11 * HOUR },
          { start: 14 * HOUR, end: 16 * HOUR },
        ],
      };
    case 'fixed':
      return { fixedStart: random.integer(9 * 4, 16 * 4) * 15 * MINUTE };
  }
}
