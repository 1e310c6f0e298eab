import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { haversineMeters } from '@caredispatch/optimizer';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';
import { TenantSettingsService } from '../settings/tenant-settings.service';
import { tenantQuery } from '../tenancy';

import {
  GoogleMapsClient,
  MAX_DESTINATIONS,
  MAX_ELEMENTS,
  type MatrixElement,
} from './google-maps.client';
import { departureBucket, pointKey, planTiles } from './travel-matrix-batching';

import type { Coordinates, PlanTravelTimeSource } from '../plan/plan.model';

/** Great-circle estimate used when Maps cannot answer: the optimizer's defaults (× 1.3 road factor, 35 km/h). */
export const ESTIMATE_ROAD_FACTOR = 1.3;
export const ESTIMATE_SPEED_KMH = 35;
/** Distance Matrix requests one plan keeps in flight (a cold week is ~100 of them). */
const MATRIX_REQUESTS_IN_FLIGHT = 2;

export interface TravelMatrixRequest {
  readonly tenantId: string;
  readonly points: readonly Coordinates[];
  /**
   * Groups of point indices whose pairs are needed (e.g. the points of one day): only pairs
   * inside a group are asked of Maps; other pairs can never be consecutive stops and get an estimate.
   */
  readonly groups: readonly (readonly number[])[];
  /** Representative departure (weekday/hour bucket of the cache and of Google's traffic model). */
  readonly departure: Date;
}

export interface TravelMatrix {
  readonly seconds: number[][];
  readonly meters: number[][];
  readonly source: PlanTravelTimeSource;
}

type FallbackReason = NonNullable<PlanTravelTimeSource['fallbackReason']>;

/**
 * The travel-time port: a full matrix for the optimizer from the PostgreSQL cache, Google's
 * Distance Matrix for misses (batched within the API's limits, tenant key, monthly element
 * budget), and great-circle estimates — flagged — when Maps is down, the budget is spent or no
 * key is configured.
 */
@Injectable()
export class TravelTimeService {
  private readonly logger = new Logger(TravelTimeService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly maps: GoogleMapsClient,
    private readonly settings: TenantSettingsService,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async matrix(request: TravelMatrixRequest): Promise<TravelMatrix> {
    const keys = request.points.map(pointKey);
    const bucket = departureBucket(request.departure);
    const n = keys.length;
    const seconds = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const meters = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const known = new Map<string, MatrixElement>();
    const wanted = new Set<string>();
    for (const group of request.groups) {
      const groupKeys = [...new Set(group.map((index) => keys[index]))];
      for (const from of groupKeys)
        for (const to of groupKeys) if (from !== to) wanted.add(pairKey(from, to));
    }

    const cached = await this.readCache(request.tenantId, bucket, wanted);
    for (const [pair, element] of cached) known.set(pair, element);
    const missing = [...wanted].filter((pair) => !known.has(pair));

    let billed = 0;
    let fallbackReason: FallbackReason | null = null;
    if (missing.length > 0) {
      const key = await this.apiKey(request.tenantId);
      if (key === null) fallbackReason = 'no-api-key';
      else {
        const fetched = await this.fetchMissing(
          request.tenantId,
          key,
          missing,
          request.departure,
          bucket,
        );
        billed = fetched.billed;
        fallbackReason = fetched.fallbackReason;
        for (const [pair, element] of fetched.elements) known.set(pair, element);
      }
    }

    let estimatedPairs = 0;
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j < n; j += 1) {
        if (keys[i] === keys[j]) continue;
        const pair = pairKey(keys[i], keys[j]);
        const element = known.get(pair) ?? estimate(request.points[i], request.points[j]);
        if (!known.has(pair) && wanted.has(pair)) estimatedPairs += 1;
        seconds[i][j] = element.seconds;
        meters[i][j] = element.meters;
      }
    }
    const usedFallback = estimatedPairs > 0;
    return {
      seconds,
      meters,
      source: {
        source: usedFallback && known.size === 0 ? 'great-circle' : 'google-maps',
        fallback: usedFallback,
        fallbackReason: usedFallback ? (fallbackReason ?? 'maps-unavailable') : null,
        estimatedPairs,
        cacheHits: cached.size,
        cacheMisses: missing.length,
        billedElements: billed,
      },
    };
  }

  private async apiKey(tenantId: string): Promise<string | null> {
    const settings = await this.settings.get(tenantId);
    return settings?.mapsApiKey ?? this.config.MAPS_API_KEY?.reveal() ?? null;
  }

  private async readCache(
    tenantId: string,
    bucket: string,
    wanted: ReadonlySet<string>,
  ): Promise<Map<string, MatrixElement>> {
    const found = new Map<string, MatrixElement>();
    if (wanted.size === 0) return found;
    const origins = new Set<string>();
    for (const pair of wanted) origins.add(pair.split('>')[0]);
    const freshAfter = new Date(
      this.clock.now().getTime() - this.config.TRAVEL_TIME_CACHE_TTL_DAYS * 86_400_000,
    );
    const rows = await tenantQuery<
      { origin_key: string; destination_key: string; seconds: number; meters: number }[]
    >(
      this.dataSource,
      tenantId,
      `SELECT origin_key, destination_key, seconds, meters FROM travel_time_cache
        WHERE tenant_id = $1 AND bucket = $2 AND origin_key = ANY($3) AND fetched_at > $4`,
      [tenantId, bucket, [...origins], freshAfter],
    );
    for (const row of rows) {
      const pair = pairKey(row.origin_key, row.destination_key);
      if (wanted.has(pair)) found.set(pair, { seconds: row.seconds, meters: row.meters });
    }
    return found;
  }

  private async fetchMissing(
    tenantId: string,
    key: string,
    missing: readonly string[],
    departure: Date,
    bucket: string,
  ): Promise<{
    elements: Map<string, MatrixElement>;
    billed: number;
    fallbackReason: FallbackReason | null;
  }> {
    const elements = new Map<string, MatrixElement>();
    let billed = 0;
    let fallbackReason: FallbackReason | null = null;
    const tiles = planTiles(missing, MAX_ELEMENTS / MAX_DESTINATIONS, MAX_DESTINATIONS);
    const budget = await this.monthlyBudget(tenantId);
    const tileSizes = tiles.map((tile) => tile.origins.length * tile.destinations.length);
    // One reservation for the whole plan when the budget allows it (the usual case); otherwise
    // tile by tile, so a nearly spent budget still buys what it can.
    const wholeSize = tileSizes.reduce((sum, size) => sum + size, 0);
    const reservedUpFront = await this.reserveBudget(tenantId, wholeSize, budget);
    let unusedUpFront = reservedUpFront ? wholeSize : 0;
    const cacheRows: { origin: string; destination: string; element: MatrixElement }[] = [];
    let next = 0;
    // A few requests in flight (each ≤ 100 elements, far inside Google's per-minute element
    // limit); after the first failure no further tile is started and the rest is estimated.
    const worker = async (): Promise<void> => {
      while (fallbackReason === null && next < tiles.length) {
        const index = next;
        next += 1;
        const tile = tiles[index];
        const size = tileSizes[index];
        if (!reservedUpFront && !(await this.reserveBudget(tenantId, size, budget))) {
          fallbackReason ??= 'budget-exhausted';
          return;
        }
        const answer = await this.maps.distanceMatrix(
          key,
          tile.origins.map(parsePointKey),
          tile.destinations.map(parsePointKey),
          departure,
        );
        if (answer.kind !== 'ok') {
          // Unused reservation goes back; Google billed nothing for a failed request.
          if (!reservedUpFront) await this.reserveBudget(tenantId, -size, budget);
          this.logger.warn(
            `Distance Matrix ${answer.kind}: ${answer.reason}; falling back to estimates`,
          );
          fallbackReason ??= 'maps-unavailable';
          return;
        }
        billed += size;
        if (reservedUpFront) unusedUpFront -= size;
        answer.value.forEach((row, i) =>
          row.forEach((element, j) => {
            if (element === null) return;
            const origin = tile.origins[i];
            const destination = tile.destinations[j];
            if (origin === destination) return;
            elements.set(pairKey(origin, destination), element);
            cacheRows.push({ origin, destination, element });
          }),
        );
      }
    };
    try {
      await Promise.all(Array.from({ length: MATRIX_REQUESTS_IN_FLIGHT }, worker));
    } finally {
      // What was billed is cached, and what was reserved but not billed goes back, even when a
      // request threw: one statement each instead of one per request.
      await this.writeCache(tenantId, bucket, cacheRows);
      if (unusedUpFront > 0) await this.reserveBudget(tenantId, -unusedUpFront, budget);
    }
    return { elements, billed, fallbackReason };
  }

  private async monthlyBudget(tenantId: string): Promise<number> {
    const settings = await this.settings.get(tenantId);
    return settings?.mapsMonthlyElementBudget ?? 100_000;
  }

  /** Atomically adds `elements` to this month's usage unless that would pass the budget. */
  private async reserveBudget(
    tenantId: string,
    elements: number,
    budget: number,
  ): Promise<boolean> {
    const month = this.clock.now().toISOString().slice(0, 7);
    const rows = await tenantQuery<unknown[]>(
      this.dataSource,
      tenantId,
      `INSERT INTO maps_usage (tenant_id, month, billed_elements) SELECT $1::text, $2::text, $3::int WHERE $3::int <= $4::int
       ON CONFLICT (tenant_id, month) DO UPDATE
         SET billed_elements = maps_usage.billed_elements + EXCLUDED.billed_elements
         WHERE maps_usage.billed_elements + EXCLUDED.billed_elements <= $4::int
       RETURNING 1`,
      [tenantId, month, elements, budget],
    );
    return rows.length > 0;
  }

  private async writeCache(
    tenantId: string,
    bucket: string,
    rows: readonly { origin: string; destination: string; element: MatrixElement }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await tenantQuery(
      this.dataSource,
      tenantId,
      `INSERT INTO travel_time_cache (tenant_id, origin_key, destination_key, bucket, seconds, meters, fetched_at)
       SELECT $1, o, d, $2, s, m, $3 FROM unnest($4::text[], $5::text[], $6::int[], $7::int[]) AS t(o, d, s, m)
       ON CONFLICT (tenant_id, origin_key, destination_key, bucket)
         DO UPDATE SET seconds = EXCLUDED.seconds, meters = EXCLUDED.meters, fetched_at = EXCLUDED.fetched_at`,
      [
        tenantId,
        bucket,
        this.clock.now(),
        rows.map((row) => row.origin),
        rows.map((row) => row.destination),
        rows.map((row) => Math.round(row.element.seconds)),
        rows.map((row) => Math.round(row.element.meters)),
      ],
    );
  }
}

function pairKey(from: string, to: string): string {
  return `${from}>${to}`;
}

function parsePointKey(key: string): Coordinates {
  const [lat, lon] = key.split(',').map(Number);
  return { lat, lon };
}

export function estimate(from: Coordinates, to: Coordinates): MatrixElement {
  const meters = haversineMeters(from.lat, from.lon, to.lat, to.lon) * ESTIMATE_ROAD_FACTOR;
  return { seconds: Math.round(meters / (ESTIMATE_SPEED_KMH / 3.6)), meters: Math.round(meters) };
}
