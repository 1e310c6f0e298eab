import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export enum OfferTextState {
  /** The offer is open; its text is queued, sent or suppressed. */
  Open = 'open',
  /** The patient replied YES and messaging asked the waitlist to accept; its answer is pending. */
  Accepting = 'accepting',
  /** The waitlist resolved the offer; the patient got the outcome text if they had answered. */
  Closed = 'closed',
}

/**
 * One waitlist offer as messaging texts it. The offer's text is a `message` row whose
 * `appointment_id` is the offer id (revision 1; withdrawing the offer is revision 2,
 * cancelled), so the sender's exactly-once and "still true at send time" rules apply to it
 * unchanged. This row keeps what the outcome text needs (local time and place) and whether the
 * patient answered. No PHI: ids, a time, a zone and a clinic's name.
 */
@Entity({ name: 'waitlist_offer_text' })
@Check('ck_waitlist_offer_text_state', `state IN ('open', 'accepting', 'closed')`)
export class WaitlistOfferTextEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_waitlist_offer_text',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'offer_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_waitlist_offer_text',
  })
  offerId!: string;

  @Column({ name: 'slot_id', type: 'uuid' })
  slotId!: string;

  /** scheduling's patient id, as the waitlist names it. */
  @Column({ name: 'patient_id', type: 'text' })
  patientId!: string;

  /** The offer's text (null when there was no number to text). */
  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ name: 'slot_start', type: 'timestamptz' })
  slotStart!: Date;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ name: 'location_name', type: 'text' })
  locationName!: string;

  @Column({ name: 'hold_until', type: 'timestamptz' })
  holdUntil!: Date;

  @Column({ type: 'text' })
  state!: OfferTextState;

  /** When the patient's YES arrived (they get one outcome text); null if they never answered. */
  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
