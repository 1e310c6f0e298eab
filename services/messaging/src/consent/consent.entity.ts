import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export enum ConsentChannelKind {
  Sms = 'sms',
  Email = 'email',
}

export enum ConsentStateKind {
  Granted = 'granted',
  Withdrawn = 'withdrawn',
}

export enum ConsentSourceKind {
  Ehr = 'ehr',
  Intake = 'intake',
  Keyword = 'keyword',
  Twilio21610 = 'twilio_21610',
  Staff = 'staff',
  UnsubscribeLink = 'unsubscribe_link',
}

/**
 * A patient's current consent to be contacted on a channel, per tenant. The history is the
 * audited messaging.consent.v1 stream; this row is what planning and the sender check.
 */
@Entity({ name: 'consent' })
@Check('ck_consent_channel', `channel IN ('sms', 'email')`)
@Check('ck_consent_state', `state IN ('granted', 'withdrawn')`)
@Check(
  'ck_consent_source',
  `source IN ('ehr', 'intake', 'keyword', 'twilio_21610', 'staff', 'unsubscribe_link')`,
)
export class ConsentEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'text', primaryKeyConstraintName: 'pk_consent' })
  tenantId!: string;

  @PrimaryColumn({ name: 'patient_id', type: 'uuid', primaryKeyConstraintName: 'pk_consent' })
  patientId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_consent' })
  channel!: ConsentChannelKind;

  @Column({ type: 'text' })
  state!: ConsentStateKind;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ type: 'text' })
  source!: ConsentSourceKind;

  /** The raw evidence: inbound message uuid, Twilio SID, appointment event id, staff user. */
  @Column({ name: 'evidence_id', type: 'text' })
  evidenceId!: string;
}
