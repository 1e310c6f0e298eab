export interface GeoCoordinates {
  readonly lat: number;
  readonly lon: number;
}

/**
 * A place a provider can be: a home, a clinic, a patient's address.
 * Everything else refers to a location by its index in `Problem.locations`,
 * which is also the index the travel-time provider is asked about.
 */
export interface Location {
  readonly id: string;
  /** Needed by the great-circle travel model; optional when a matrix is given. */
  readonly coordinates?: GeoCoordinates;
}
