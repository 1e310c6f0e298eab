import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { BlindIndex, normalizeAddress } from '@caredispatch/phi-crypto';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';
import { TenantSettingsService } from '../settings/tenant-settings.service';
import { tenantQuery } from '../tenancy';

import { GoogleMapsClient } from './google-maps.client';

import type { Coordinates } from '../plan/plan.model';

export type GeocodeResult =
  | { readonly kind: 'resolved'; readonly coordinates: Coordinates }
  | { readonly kind: 'unresolvable' }
  /** Maps unavailable or no key: try again at the next plan run. */
  | { readonly kind: 'unavailable' };

/**
 * Geocodes an address once per tenant (cached in PostgreSQL, including "not found"). The
 * cache is keyed by the address's blind index (an HMAC), so it hits without storing the address.
 */
@Injectable()
export class GeocodingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly maps: GoogleMapsClient,
    private readonly settings: TenantSettingsService,
    private readonly blindIndex: BlindIndex,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async geocode(tenantId: string, address: string): Promise<GeocodeResult> {
    if (normalizeAddress(address) === '') return { kind: 'unresolvable' };
    const addressKey = this.blindIndex.addressLookupHash(tenantId, address);
    const cachedRows = await tenantQuery<
      { lat: number | null; lon: number | null; resolved: boolean }[]
    >(
      this.dataSource,
      tenantId,
      `SELECT lat, lon, resolved FROM geocode_cache WHERE tenant_id = $1 AND address_key = $2`,
      [tenantId, addressKey],
    );
    const cached = cachedRows.at(0);
    if (cached) return toResult(cached);
    const key =
      (await this.settings.get(tenantId))?.mapsApiKey ?? this.config.MAPS_API_KEY?.reveal() ?? null;
    if (key === null) return { kind: 'unavailable' };
    const answer = await this.maps.geocode(key, address);
    if (answer.kind === 'unavailable') return { kind: 'unavailable' };
    const coordinates = answer.kind === 'ok' ? answer.value : null;
    await tenantQuery(
      this.dataSource,
      tenantId,
      `INSERT INTO geocode_cache (tenant_id, address_key, lat, lon, resolved, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, address_key) DO NOTHING`,
      [
        tenantId,
        addressKey,
        coordinates?.lat ?? null,
        coordinates?.lon ?? null,
        coordinates !== null,
        this.clock.now(),
      ],
    );
    return coordinates ? { kind: 'resolved', coordinates } : { kind: 'unresolvable' };
  }
}

function toResult(row: {
  lat: number | null;
  lon: number | null;
  resolved: boolean;
}): GeocodeResult {
  return row.resolved && row.lat !== null && row.lon !== null
    ? { kind: 'resolved', coordinates: { lat: row.lat, lon: row.lon } }
    : { kind: 'unresolvable' };
}
