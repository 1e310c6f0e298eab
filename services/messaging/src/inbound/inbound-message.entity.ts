import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A patient's SMS to us, as Twilio posted it; unique on its Message SID so a retried webhook
 * changes nothing. `body` is PHI (encrypted at rest, `phi1.`), stored only when the sender was
 * matched to a tenant (its key); never logged, never on Kafka.
 */
@Entity({ name: 'inbound_message' })
@Index('ux_inbound_message_provider_message_id', ['providerMessageId'], { unique: true })
@Index('ix_inbound_message_patient', ['tenantId', 'patientId', 'receivedAt'])
export class InboundMessageEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_inbound_message' })
  id!: string;

  @Column({ name: 'provider_message_id', type: 'text' })
  providerMessageId!: string;

  @Column({ name: 'tenant_id', type: 'text', nullable: true })
  tenantId!: string | null;

  @Column({ name: 'patient_id', type: 'uuid', nullable: true })
  patientId!: string | null;

  @Column({ name: 'appointment_id', type: 'uuid', nullable: true })
  appointmentId!: string | null;

  /** The outbound message the reply was matched to. */
  @Column({ name: 'answered_message_id', type: 'uuid', nullable: true })
  answeredMessageId!: string | null;

  @Column({ type: 'text' })
  intent!: string;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
