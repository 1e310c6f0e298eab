import { Client, Status } from '@googlemaps/google-maps-services-js';
import { Inject, Injectable } from '@nestjs/common';

import { sleep } from '@caredispatch/kafka';
import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';

import type { Coordinates } from '../plan/plan.model';

/** One Distance Matrix element; null when Google had no route (NOT_FOUND / ZERO_RESULTS). */
export interface MatrixElement {
  readonly seconds: number;
  readonly meters: number;
}

/**
 * The answer of a Maps call, in the three kinds every adapter names:
 * - `ok`: use it;
 * - `unavailable`: OVER_QUERY_LIMIT, 5xx, timeout — retried with backoff, then the caller falls back;
 * - `rejected`: the request or key is wrong (REQUEST_DENIED, INVALID_REQUEST, dimensions) — never retried.
 */
export type MapsAnswer<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string };

export const MAX_ORIGINS = 25;
export const MAX_DESTINATIONS = 25;
export const MAX_ELEMENTS = 100;

/** Google Maps web services through the official SDK; `MAPS_API_BASE_URL` points it at a stand-in. */
@Injectable()
export class GoogleMapsClient {
  private readonly client: Client;
  private readonly baseUrl: string;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig) {
    // Our own retry policy (below) replaces the SDK's retry-axios defaults; every status is an answer.
    this.client = new Client({
      config: {
        timeout: config.MAPS_REQUEST_TIMEOUT_MS,
        validateStatus: () => true,
        raxConfig: { retry: 0, noResponseRetries: 0 },
      },
    });
    this.baseUrl = config.MAPS_API_BASE_URL ?? 'https://maps.googleapis.com';
  }

  /** At most 25 origins, 25 destinations and 100 elements (checked: a bigger request is a bug). */
  async distanceMatrix(
    key: string,
    origins: readonly Coordinates[],
    destinations: readonly Coordinates[],
    departure: Date,
  ): Promise<MapsAnswer<(MatrixElement | null)[][]>> {
    if (
      origins.length > MAX_ORIGINS ||
      destinations.length > MAX_DESTINATIONS ||
      origins.length * destinations.length > MAX_ELEMENTS
    ) {
      throw new RangeError('distance matrix request exceeds the API limits');
    }
    return this.withRetry(async () => {
      const response = await this.client.distancematrix({
        url: `${this.baseUrl}/maps/api/distancematrix/json`,
        params: {
          key,
          origins: origins.map((point) => [point.lat, point.lon] as [number, number]),
          destinations: destinations.map((point) => [point.lat, point.lon] as [number, number]),
          departure_time: Math.max(Math.floor(departure.getTime() / 1000), 0),
        },
      });
      const status = classify(response.status, response.data.status);
      if (status.kind !== 'ok') return status;
      return {
        kind: 'ok',
        value: response.data.rows.map((row) =>
          row.elements.map((element) =>
            (element.status as string) === 'OK'
              ? { seconds: element.duration.value, meters: element.distance.value }
              : null,
          ),
        ),
      };
    });
  }

  /** `ok` with null: Google found nothing for the address (ZERO_RESULTS). */
  async geocode(key: string, address: string): Promise<MapsAnswer<Coordinates | null>> {
    return this.withRetry(async () => {
      const response = await this.client.geocode({
        url: `${this.baseUrl}/maps/api/geocode/json`,
        params: { key, address },
      });
      if ((response.data.status as string) === 'ZERO_RESULTS') return { kind: 'ok', value: null };
      const status = classify(response.status, response.data.status);
      if (status.kind !== 'ok') return status;
      const location = response.data.results.at(0)?.geometry.location;
      return { kind: 'ok', value: location ? { lat: location.lat, lon: location.lng } : null };
    });
  }

  private async withRetry<T>(call: () => Promise<MapsAnswer<T>>): Promise<MapsAnswer<T>> {
    let last: MapsAnswer<T> = { kind: 'unavailable', reason: 'not attempted' };
    for (let attempt = 1; attempt <= this.config.MAPS_MAX_ATTEMPTS; attempt += 1) {
      try {
        last = await call();
      } catch (error) {
        // Network errors and timeouts: Google may or may not have answered; reads are safe to repeat.
        last = { kind: 'unavailable', reason: error instanceof Error ? error.message : 'error' };
      }
      if (last.kind !== 'unavailable') return last;
      if (attempt < this.config.MAPS_MAX_ATTEMPTS) {
        const ceiling = this.config.MAPS_RETRY_BASE_MS * 2 ** (attempt - 1);
        await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
      }
    }
    return last;
  }
}

function classify(httpStatus: number, status: Status): MapsAnswer<never> | { kind: 'ok' } {
  if (httpStatus >= 500 || httpStatus === 429)
    return { kind: 'unavailable', reason: `http ${httpStatus}` };
  if (httpStatus >= 400) return { kind: 'rejected', reason: `http ${httpStatus}` };
  switch (status as string) {
    case 'OK':
      return { kind: 'ok' };
    case 'OVER_QUERY_LIMIT':
    case 'UNKNOWN_ERROR':
      return { kind: 'unavailable', reason: status };
    default:
      return { kind: 'rejected', reason: status };
  }
}
