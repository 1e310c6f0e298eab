import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

export interface ItineraryLink {
  readonly deliveryId: string;
  readonly tenantId: string;
  readonly tokenDigest: Buffer;
  readonly planId: string;
  readonly planVersion: number;
  readonly providerId: string;
  readonly days: readonly string[];
  readonly expiresAt: Date;
}

interface LinkRow {
  delivery_id: string;
  tenant_id: string;
  token_digest: Buffer;
  plan_id: string;
  plan_version: number;
  provider_id: string;
  days: string[];
  expires_at: Date;
}

/** `itinerary_link` rows; every call runs in the caller's (tenant- or job-scoped) transaction. */
@Injectable()
export class ItineraryLinkRepository {
  /** Records the link of a delivery once; later attempts of the delivery change nothing. */
  async record(manager: EntityManager, link: ItineraryLink, now: Date): Promise<void> {
    await manager.query(
      `INSERT INTO itinerary_link (delivery_id, tenant_id, token_digest, plan_id, plan_version,
                                   provider_id, days, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (delivery_id) DO NOTHING`,
      [
        link.deliveryId,
        link.tenantId,
        link.tokenDigest,
        link.planId,
        link.planVersion,
        link.providerId,
        [...link.days],
        link.expiresAt,
        now,
      ],
    );
  }

  async findByDigest(manager: EntityManager, digest: Buffer): Promise<ItineraryLink | undefined> {
    const rows = await manager.query<LinkRow[]>(
      `SELECT delivery_id, tenant_id, token_digest, plan_id, plan_version, provider_id, days,
              expires_at
         FROM itinerary_link WHERE token_digest = $1`,
      [digest],
    );
    const row = rows.at(0);
    return row === undefined
      ? undefined
      : {
          deliveryId: row.delivery_id,
          tenantId: row.tenant_id,
          tokenDigest: row.token_digest,
          planId: row.plan_id,
          planVersion: row.plan_version,
          providerId: row.provider_id,
          days: row.days,
          expiresAt: row.expires_at,
        };
  }
}
