import type { GeoCoordinates } from '../model';
import type { SeededRandom } from './random';

/** Centre of the generated metro area (a Midwestern city; any would do). */
export const METRO_CENTER: GeoCoordinates = { lat: 41.88, lon: -87.7 };

const KM_PER_DEGREE_LAT = 111.32;

/** A point at `eastKm`/`northKm` from `origin` (flat-earth offset: fine at metro scale). */
export function offset(origin: GeoCoordinates, eastKm: number, northKm: number): GeoCoordinates {
  const kmPerDegreeLon = KM_PER_DEGREE_LAT * Math.cos((origin.lat * Math.PI) / 180);
  return {
    lat: round6(origin.lat + northKm / KM_PER_DEGREE_LAT),
    lon: round6(origin.lon + eastKm / kmPerDegreeLon),
  };
}

/** Uniform in a disc (area-uniform, not radius-uniform). */
export function pointInDisc(
  random: SeededRandom,
  origin: GeoCoordinates,
  radiusKm: number,
): GeoCoordinates {
  const radius = radiusKm * Math.sqrt(random.next());
  const angle = random.uniform(0, 2 * Math.PI);
  return offset(origin, radius * Math.cos(angle), radius * Math.sin(angle));
}

export function pointNear(
  random: SeededRandom,
  origin: GeoCoordinates,
  deviationKm: number,
): GeoCoordinates {
  return offset(origin, random.normal(0, deviationKm), random.normal(0, deviationKm));
}

/** Six decimals (~0.1 m) keep generated JSON short and stable. */
function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
