import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

import { type RankingExplanation } from '../ranking/waitlist-ranking';

export type OfferStatus = 'open' | 'accepted' | 'declined' | 'expired' | 'withdrawn' | 'too_late';

/** One slot offered to one waitlisted patient, with why they were chosen. */
@Entity({ name: 'waitlist_offer' })
@Check(
  'ck_waitlist_offer_status',
  `status IN ('open', 'accepted', 'declined', 'expired', 'withdrawn', 'too_late')`,
)
// First acceptance wins: the database refuses a second accepted offer for one slot.
@Index('ux_waitlist_offer_one_acceptance', ['slotId'], {
  unique: true,
  where: `status = 'accepted'`,
})
// A patient holds at most one open offer at a time.
@Index('ux_waitlist_offer_open_entry', ['entryId'], { unique: true, where: `status = 'open'` })
@Index('ux_waitlist_offer_slot_entry', ['slotId', 'entryId'], { unique: true })
@Index('ix_waitlist_offer_open_hold', ['holdUntil'], { where: `status = 'open'` })
export class WaitlistOfferEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'slot_id', type: 'uuid' })
  slotId!: string;

  @Column({ name: 'entry_id', type: 'uuid' })
  entryId!: string;

  @Column({ name: 'patient_id', type: 'text' })
  patientId!: string;

  @Column({ name: 'wave', type: 'integer' })
  wave!: number;

  @Column({ name: 'rank', type: 'integer' })
  rank!: number;

  @Column({ name: 'status', type: 'text' })
  status!: OfferStatus;

  @Column({ name: 'hold_until', type: 'timestamptz' })
  holdUntil!: Date;

  @Column({ name: 'explanation', type: 'jsonb' })
  explanation!: RankingExplanation;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
