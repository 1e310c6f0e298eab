import type { Coordinates } from '../plan/plan.model';

/** Cache/request key of a point: coordinates rounded to 4 decimals (about 11 m). */
export function pointKey(point: Coordinates): string {
  return `${point.lat.toFixed(4)},${point.lon.toFixed(4)}`;
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The departure bucket travel times are cached under: UTC weekday and hour (`tue-13`). */
export function departureBucket(departure: Date): string {
  return `${WEEKDAYS[departure.getUTCDay()]}-${String(departure.getUTCHours()).padStart(2, '0')}`;
}

export interface MatrixTile {
  readonly origins: string[];
  readonly destinations: string[];
}

/**
 * Distance Matrix requests covering every missing `origin>destination` pair within the API's
 * limits: origins in groups of `maxOrigins`, the union of their missing destinations in chunks
 * of `maxDestinations` (so each request is ≤ maxOrigins × maxDestinations elements).
 *
 * Origins are grouped with the origins that miss the same destinations (a plan's day groups:
 * the points of one day want each other, not another day's), so a request's rectangle is
 * almost all wanted pairs. Grouping by key order instead mixed days and billed about twice
 * the wanted elements on a cold week. Partly warm caches may bill some already-cached pairs.
 */
export function planTiles(
  missingPairs: readonly string[],
  maxOrigins: number,
  maxDestinations: number,
): MatrixTile[] {
  const byOrigin = new Map<string, Set<string>>();
  for (const pair of missingPairs) {
    const [origin, destination] = pair.split('>');
    const set = byOrigin.get(origin) ?? new Set<string>();
    set.add(destination);
    byOrigin.set(origin, set);
  }
  // The origin's neighbourhood (its destinations and itself): equal for the points of one group.
  const signature = new Map<string, string>();
  for (const [origin, destinations] of byOrigin)
    signature.set(origin, [...destinations, origin].sort().join(';'));
  const origins = [...byOrigin.keys()].sort((a, b) => {
    const sa = signature.get(a) ?? '';
    const sb = signature.get(b) ?? '';
    return sa < sb ? -1 : sa > sb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
  const tiles: MatrixTile[] = [];
  for (let i = 0; i < origins.length; i += maxOrigins) {
    const group = origins.slice(i, i + maxOrigins);
    const destinations = [
      ...new Set(group.flatMap((origin) => [...(byOrigin.get(origin) ?? [])])),
    ].sort();
    for (let j = 0; j < destinations.length; j += maxDestinations) {
      tiles.push({ origins: group, destinations: destinations.slice(j, j + maxDestinations) });
    }
  }
  return tiles;
}
