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
    // Pairs are worked on as indices of the distinct point keys (several points may share one):
    // a warm 500-visit day is ~290k pairs, and string pair keys in Maps cost seconds there.
    const keyIndex = new Map<string, number>();
    const pointKeyIndex = request.points.map((point) => {
      const key = pointKey(point);
      let index = keyIndex.get(key);
      if (index === undefined) {
        index = keyIndex.size;
        keyIndex.set(key, index);
      }
      return index;
    });
    const keys = [...keyIndex.keys()];
    const u = keys.length;
    const bucket = departureBucket(request.departure);
    const wanted = new PairTable(u);
    for (const group of request.groups) {
      const groupKeys = [...new Set(group.map((index) => pointKeyIndex[index]))];
      for (const from of groupKeys)
        for (const to of groupKeys) if (from !== to) wanted.set(from, to, 0, 0);
    }

    const known = new PairTable(u);
    const cacheHits = await this.readCache(request.tenantId, bucket, keys, wanted, known);
    const missing: string[] = [];
    wanted.forEachPair((from, to) => {
      if (!known.has(from, to)) missing.push(pairKey(keys[from], keys[to]));
    });

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
        for (const [pair, element] of fetched.elements) {
          const [from, to] = pair.split('>');
          known.set(
            keyIndex.get(from) ?? -1,
            keyIndex.get(to) ?? -1,
            element.seconds,
            element.meters,
          );
        }
      }
    }

    const answered = known.size;
    let estimatedPairs = 0;
    const n = request.points.length;
    const seconds: number[][] = [];
    const meters: number[][] = [];
    for (let i = 0; i < n; i += 1) {
      const secondsRow = new Array<number>(n).fill(0);
      const metersRow = new Array<number>(n).fill(0);
      const from = pointKeyIndex[i];
      for (let j = 0; j < n; j += 1) {
        const to = pointKeyIndex[j];
        if (from === to) continue;
        if (known.has(from, to)) {
          secondsRow[j] = known.seconds(from, to);
          metersRow[j] = known.meters(from, to);
          continue;
        }
        if (wanted.has(from, to)) estimatedPairs += 1;
        const guess = estimate(request.points[i], request.points[j]);
        secondsRow[j] = guess.seconds;
        metersRow[j] = guess.meters;
      }
      seconds.push(secondsRow);
      meters.push(metersRow);
    }
    const usedFallback = estimatedPairs > 0;
    return {
      seconds,
      meters,
      source: {
        source: usedFallback && answered === 0 ? 'great-circle' : 'google-maps',
        fallback: usedFallback,
        fallbackReason: usedFallback ? (fallbackReason ?? 'maps-unavailable') : null,
        estimatedPairs,
        cacheHits,
        cacheMisses: missing.length,
        billedElements: billed,
      },
    };
  }

  private async apiKey(tenantId: string): Promise<string | null> {
    const settings = await this.settings.get(tenantId);
    return settings?.mapsApiKey ?? this.config.MAPS_API_KEY?.reveal() ?? null;
  }

  /**
   * Fills `known` with the cached, fresh answers for the `wanted` pairs of `keys`; returns how
   * many there were. One statement: the database maps keys to their indices and answers one
   * bytea of (origin, destination, seconds, meters) int4 quadruples, so a warm 500-visit day
   * (~290k pairs) is not ~290k row objects to parse.
   */
  private async readCache(
    tenantId: string,
    bucket: string,
    keys: readonly string[],
    wanted: PairTable,
    known: PairTable,
  ): Promise<number> {
    if (wanted.size === 0) return 0;
    const freshAfter = new Date(
      this.clock.now().getTime() - this.config.TRAVEL_TIME_CACHE_TTL_DAYS * 86_400_000,
    );
    const [row] = await tenantQuery<{ pairs: Buffer | null }[]>(
      this.dataSource,
      tenantId,
      `WITH point AS (
         SELECT key, (ordinality - 1)::int AS index FROM unnest($3::text[]) WITH ORDINALITY AS t(key)
       )
       SELECT string_agg(int4send(o.index) || int4send(d.index) || int4send(c.seconds) || int4send(c.meters), ''::bytea) AS pairs
         FROM travel_time_cache c
         JOIN point o ON o.key = c.origin_key
         JOIN point d ON d.key = c.destination_key
        WHERE c.tenant_id = $1 AND c.bucket = $2 AND c.fetched_at > $4`,
      [tenantId, bucket, keys, freshAfter],
    );
    let hits = 0;
    const pairs = row.pairs;
    if (!pairs) return 0;
    for (let offset = 0; offset + 16 <= pairs.length; offset += 16) {
      const from = pairs.readInt32BE(offset);
      const to = pairs.readInt32BE(offset + 4);
      if (!wanted.has(from, to)) continue;
      known.set(from, to, pairs.readInt32BE(offset + 8), pairs.readInt32BE(offset + 12));
      hits += 1;
    }
    return hits;
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

/** Travel times between point-key indices, dense (a plan's points mostly want each other). */
class PairTable {
  private readonly present: Uint8Array;
  private readonly secondsOf: Float64Array;
  private readonly metersOf: Float64Array;
  size = 0;

  constructor(private readonly width: number) {
    this.present = new Uint8Array(width * width);
    this.secondsOf = new Float64Array(width * width);
    this.metersOf = new Float64Array(width * width);
  }

  has(from: number, to: number): boolean {
    return this.present[from * this.width + to] === 1;
  }

  set(from: number, to: number, seconds: number, meters: number): void {
    if (from < 0 || to < 0) return;
    const cell = from * this.width + to;
    if (this.present[cell] === 0) this.size += 1;
    this.present[cell] = 1;
    this.secondsOf[cell] = seconds;
    this.metersOf[cell] = meters;
  }

  seconds(from: number, to: number): number {
    return this.secondsOf[from * this.width + to];
  }

  meters(from: number, to: number): number {
    return this.metersOf[from * this.width + to];
  }

  forEachPair(visit: (from: number, to: number) => void): void {
    for (let cell = 0; cell < this.present.length; cell += 1)
      if (this.present[cell] === 1) visit(Math.floor(cell / this.width), cell % this.width);
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
