import {
  credentialsFor,
  HOME_VISIT_TYPES,
  HOUR,
  MINUTE,
  roleMix,
  type VisitType,
} from './care-catalog';
import { METRO_CENTER, pointInDisc } from './geo';
import { SeededRandom } from './random';

import type { Appointment, Location, Problem, Provider } from '../model';

export interface TinyInstanceOptions {
  readonly seed: number;
  /** At most 12, the size the exact model is meant for. */
  readonly appointments: number;
  /** At most 3. */
  readonly providers: number;
}

/**
 * Small home-visit instances for exact-vs-heuristic comparison: a compact area
 * and short shifts so that not everything fits and the choice of who is served
 * matters, with mixed credentials, windows and priorities.
 */
export function generateTinyInstance(options: TinyInstanceOptions): Problem {
  if (options.appointments > 12 || options.providers > 3)
    throw new RangeError('tiny instances have ≤ 12 appointments and ≤ 3 providers');
  const random = new SeededRandom(options.seed);
  const locations: Location[] = [];
  const providers: Provider[] = roleMix(options.providers, random).map((role, index) => {
    locations.push({ id: `home-${index}`, coordinates: pointInDisc(random, METRO_CENTER, 8) });
    const start = random.pick([8, 9, 10]) * HOUR;
    return {
      id: `P${index + 1}`,
      credentials: credentialsFor(role, random),
      startLocation: locations.length - 1,
      endLocation: locations.length - 1,
      availability: [{ start, end: start + random.pick([3, 4, 5]) * HOUR }],
    };
  });
  const appointments: Appointment[] = [];
  for (let index = 0; index < options.appointments; index += 1) {
    locations.push({ id: `visit-${index}`, coordinates: pointInDisc(random, METRO_CENTER, 10) });
    const visit: VisitType = random.weighted(
      HOME_VISIT_TYPES.map((type) => [type, type.weight] as const),
    );
    const windowStart = random.integer(8 * 4, 13 * 4) * 15 * MINUTE;
    appointments.push({
      id: `A${index + 1}`,
      location: locations.length - 1,
      durationSeconds: random.pick(visit.durationsMinutes) * MINUTE,
      ...(random.chance(0.7)
        ? {
            timeWindows: [{ start: windowStart, end: windowStart + random.pick([1, 2, 3]) * HOUR }],
          }
        : {}),
      requiredCredentials: [...visit.requiredCredentials],
      priority: random.weighted<number>([
        [1, 70],
        [2, 20],
        [3, 10],
      ]),
    });
  }
  return { locations, providers, appointments, travel: { kind: 'great-circle' } };
}
