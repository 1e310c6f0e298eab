import type { GeoCoordinates, Location } from './location';
import type { Problem, TravelSpec } from './problem';

/** Travel between two location indices of a problem. Must be deterministic and non-negative. */
export interface TravelTimeProvider {
  seconds(from: number, to: number): number;
  meters(from: number, to: number): number;
}

const EARTH_RADIUS_METERS = 6_371_008.8;
export const DEFAULT_ROAD_FACTOR = 1.3;
export const DEFAULT_SPEED_KMH = 35;

export function haversineMeters(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const toRad = Math.PI / 180;
  const dLat = (bLat - aLat) * toRad;
  const dLon = (bLon - aLon) * toRad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(aLat * toRad) * Math.cos(bLat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Great-circle distance stretched by a road factor, at a constant speed. No network needed. */
export class GreatCircleTravelTimeProvider implements TravelTimeProvider {
  private readonly metersPerSecond: number;

  constructor(
    private readonly locations: readonly Location[],
    private readonly roadFactor = DEFAULT_ROAD_FACTOR,
    speedKmh = DEFAULT_SPEED_KMH,
  ) {
    if (!(roadFactor > 0) || !(speedKmh > 0))
      throw new RangeError('roadFactor and speedKmh must be positive');
    this.metersPerSecond = speedKmh / 3.6;
    locations.forEach((location, index) => {
      if (!location.coordinates) throw new RangeError(`locations[${index}] has no coordinates`);
    });
  }

  meters(from: number, to: number): number {
    if (from === to) return 0;
    const a = this.coordinatesOf(from);
    const b = this.coordinatesOf(to);
    return haversineMeters(a.lat, a.lon, b.lat, b.lon) * this.roadFactor;
  }

  seconds(from: number, to: number): number {
    return this.secondsForMeters(this.meters(from, to));
  }

  /** `seconds(from, to)` given `meters(from, to)`, without a second haversine (matrix compilation). */
  secondsForMeters(meters: number): number {
    return meters / this.metersPerSecond;
  }

  private coordinatesOf(index: number): GeoCoordinates {
    const coordinates = this.locations[index].coordinates;
    if (!coordinates) throw new RangeError(`locations[${index}] has no coordinates`);
    return coordinates;
  }
}

/** Explicit matrices, e.g. from a maps API or a benchmark. */
export class MatrixTravelTimeProvider implements TravelTimeProvider {
  constructor(
    private readonly secondsMatrix: readonly (readonly number[])[],
    private readonly metersMatrix: readonly (readonly number[])[] = secondsMatrix,
  ) {}

  seconds(from: number, to: number): number {
    return this.secondsMatrix[from][to];
  }

  meters(from: number, to: number): number {
    return this.metersMatrix[from][to];
  }
}

export function createTravelTimeProvider(
  problem: Pick<Problem, 'locations' | 'travel'>,
): TravelTimeProvider {
  const spec: TravelSpec = problem.travel ?? { kind: 'great-circle' };
  switch (spec.kind) {
    case 'great-circle':
      return new GreatCircleTravelTimeProvider(problem.locations, spec.roadFactor, spec.speedKmh);
    case 'matrix':
      return new MatrixTravelTimeProvider(spec.seconds, spec.meters);
  }
}
