import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The link in one SMS itinerary: which delivery (and so which plan version, provider and days)
 * its token opens, and until when. The token itself is never stored, only its keyed digest
 * (itinerary-link-token.ts). Ids only: no patient data.
 */
@Entity({ name: 'itinerary_link' })
@Index('ux_itinerary_link_token_digest', ['tokenDigest'], { unique: true })
export class ItineraryLinkEntity {
  /** One link per delivery: every attempt of the delivery prints the same link. */
  @PrimaryColumn({
    name: 'delivery_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_itinerary_link',
  })
  deliveryId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'token_digest', type: 'bytea' })
  tokenDigest!: Buffer;

  @Column({ name: 'plan_id', type: 'text' })
  planId!: string;

  @Column({ name: 'plan_version', type: 'integer' })
  planVersion!: number;

  @Column({ name: 'provider_id', type: 'text' })
  providerId!: string;

  /** Practice days (YYYY-MM-DD) the text covered. */
  @Column({ type: 'text', array: true })
  days!: string[];

  /** The midnight after the last day, in the practice's zone. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
