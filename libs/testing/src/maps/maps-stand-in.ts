/**
 * Google Maps stand-in: a loopback double of the Distance Matrix and Geocoding web services
 * (`GET /maps/api/distancematrix/json`, `GET /maps/api/geocode/json`) for tests and benches.
 *
 * - Travel times are deterministic and road-like: great-circle × `roadFactor` at `speedKmh`,
 *   times a time-of-day factor from `departure_time` (rush hours 07–09 and 16–18 local to the
 *   server's UTC offset 0 are slower). Distances are great-circle × `roadFactor`.
 * - Geocodes come from a fixture table (`addresses`); any other address is ZERO_RESULTS.
 * - Enforces the API's limits (25 origins, 25 destinations, 100 elements) and the key.
 * - Can fail on demand: `failNext(count, kind)` / `failAll(kind)` / `recover()`, kinds
 *   `over-query-limit` (HTTP 200, status OVER_QUERY_LIMIT) and `server-error` (HTTP 503).
 * - Records every call (`calls()`): api, key validity, origins × destinations, billed elements.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

import { haversineMeters } from '@caredispatch/optimizer';

export type MapsFailureKind = 'over-query-limit' | 'server-error';

export interface MapsStandInOptions {
  /** Keys the stand-in accepts; others get REQUEST_DENIED. */
  readonly apiKeys?: readonly string[];
  /** Normalized (trimmed, lower-case) address → coordinates. */
  readonly addresses?: Readonly<Record<string, { lat: number; lon: number }>>;
  readonly roadFactor?: number;
  readonly speedKmh?: number;
}

export interface RecordedMapsCall {
  readonly api: 'distancematrix' | 'geocode';
  readonly key: string;
  readonly origins: number;
  readonly destinations: number;
  /** Elements Google would bill: origins × destinations of an answered OK request. */
  readonly billedElements: number;
  readonly status: string;
  readonly httpStatus: number;
}

export const MAPS_STAND_IN_KEY = 'stand-in-maps-key-0001';

export class MapsStandIn {
  private server: Server | null = null;
  private readonly recorded: RecordedMapsCall[] = [];
  private readonly queuedFailures: MapsFailureKind[] = [];
  private persistentFailure: MapsFailureKind | null = null;
  /** Which API the faults apply to (both when null). */
  private failingApi: 'distancematrix' | 'geocode' | null = null;
  private readonly apiKeys: ReadonlySet<string>;
  private readonly addresses = new Map<string, { lat: number; lon: number }>();
  private readonly roadFactor: number;
  private readonly metersPerSecond: number;

  constructor(options: MapsStandInOptions = {}) {
    this.apiKeys = new Set(options.apiKeys ?? [MAPS_STAND_IN_KEY]);
    for (const [address, coordinates] of Object.entries(options.addresses ?? {})) {
      this.addresses.set(normalizeAddress(address), coordinates);
    }
    this.roadFactor = options.roadFactor ?? 1.35;
    this.metersPerSecond = (options.speedKmh ?? 40) / 3.6;
  }

  async start(): Promise<{ baseUrl: string }> {
    const server = createServer((request, response) => {
      this.handle(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addAddress(address: string, coordinates: { lat: number; lon: number }): void {
    this.addresses.set(normalizeAddress(address), coordinates);
  }

  failNext(
    count: number,
    kind: MapsFailureKind = 'server-error',
    api: 'distancematrix' | 'geocode' | null = null,
  ): void {
    for (let i = 0; i < count; i += 1) this.queuedFailures.push(kind);
    this.failingApi = api;
  }

  failAll(
    kind: MapsFailureKind = 'server-error',
    api: 'distancematrix' | 'geocode' | null = null,
  ): void {
    this.persistentFailure = kind;
    this.failingApi = api;
  }

  recover(): void {
    this.persistentFailure = null;
    this.queuedFailures.length = 0;
    this.failingApi = null;
  }

  calls(): readonly RecordedMapsCall[] {
    return [...this.recorded];
  }

  billedElements(): number {
    return this.recorded.reduce((sum, call) => sum + call.billedElements, 0);
  }

  reset(): void {
    this.recorded.length = 0;
    this.recover();
  }

  /** Seconds and meters the stand-in answers for one pair (what a test can expect). */
  travel(
    from: { lat: number; lon: number },
    to: { lat: number; lon: number },
    departure: Date,
  ): { seconds: number; meters: number } {
    const meters = haversineMeters(from.lat, from.lon, to.lat, to.lon) * this.roadFactor;
    const hour = departure.getUTCHours();
    const rush = (hour >= 7 && hour < 9) || (hour >= 16 && hour < 18) ? 1.3 : 1;
    return {
      seconds: Math.round((meters / this.metersPerSecond) * rush),
      meters: Math.round(meters),
    };
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const key = url.searchParams.get('key') ?? '';
    const api = url.pathname.endsWith('/distancematrix/json')
      ? 'distancematrix'
      : url.pathname.endsWith('/geocode/json')
        ? 'geocode'
        : null;
    if (api === null) {
      send(response, 404, { status: 'NOT_FOUND' });
      return;
    }
    const failure =
      this.failingApi === null || this.failingApi === api
        ? (this.queuedFailures.shift() ?? this.persistentFailure)
        : null;
    const record = (status: string, httpStatus: number, origins = 0, destinations = 0): void => {
      this.recorded.push({
        api,
        key,
        origins,
        destinations,
        billedElements: status === 'OK' && api === 'distancematrix' ? origins * destinations : 0,
        status,
        httpStatus,
      });
    };
    if (failure === 'server-error') {
      record('SERVER_ERROR', 503);
      send(response, 503, { status: 'UNKNOWN_ERROR' });
      return;
    }
    if (failure === 'over-query-limit') {
      record('OVER_QUERY_LIMIT', 200);
      send(response, 200, { status: 'OVER_QUERY_LIMIT', error_message: 'stand-in quota' });
      return;
    }
    if (!this.apiKeys.has(key)) {
      record('REQUEST_DENIED', 200);
      send(response, 200, {
        status: 'REQUEST_DENIED',
        error_message: 'The provided API key is invalid.',
      });
      return;
    }
    if (api === 'geocode') {
      const found = this.addresses.get(normalizeAddress(url.searchParams.get('address') ?? ''));
      record(found ? 'OK' : 'ZERO_RESULTS', 200);
      send(response, 200, {
        status: found ? 'OK' : 'ZERO_RESULTS',
        results: found
          ? [{ geometry: { location: { lat: found.lat, lng: found.lon } }, place_id: 'stand-in' }]
          : [],
      });
      return;
    }
    const origins = parsePoints(url.searchParams.get('origins'));
    const destinations = parsePoints(url.searchParams.get('destinations'));
    if (
      origins === null ||
      destinations === null ||
      origins.length === 0 ||
      destinations.length === 0
    ) {
      record('INVALID_REQUEST', 200);
      send(response, 200, { status: 'INVALID_REQUEST', error_message: 'origins/destinations' });
      return;
    }
    if (
      origins.length > 25 ||
      destinations.length > 25 ||
      origins.length * destinations.length > 100
    ) {
      record('MAX_DIMENSIONS_EXCEEDED', 200, origins.length, destinations.length);
      send(response, 200, { status: 'MAX_DIMENSIONS_EXCEEDED' });
      return;
    }
    const departureParam = url.searchParams.get('departure_time');
    const departure =
      departureParam === null || departureParam === 'now'
        ? new Date()
        : new Date(Number(departureParam) * 1000);
    record('OK', 200, origins.length, destinations.length);
    send(response, 200, {
      status: 'OK',
      origin_addresses: origins.map(() => ''),
      destination_addresses: destinations.map(() => ''),
      rows: origins.map((from) => ({
        elements: destinations.map((to) => {
          const { seconds, meters } = this.travel(from, to, departure);
          return {
            status: 'OK',
            duration: { value: seconds, text: `${Math.round(seconds / 60)} mins` },
            duration_in_traffic: { value: seconds, text: `${Math.round(seconds / 60)} mins` },
            distance: { value: meters, text: `${(meters / 1000).toFixed(1)} km` },
          };
        }),
      })),
    });
  }
}

export function normalizeAddress(address: string): string {
  return address.trim().replace(/\s+/g, ' ').toLowerCase();
}

function parsePoints(value: string | null): { lat: number; lon: number }[] | null {
  if (value === null) return null;
  const points = value.split('|').map((pair) => {
    const [lat, lon] = pair.split(',').map(Number);
    return { lat, lon };
  });
  return points.every((point) => Number.isFinite(point.lat) && Number.isFinite(point.lon))
    ? points
    : null;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
