import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Something a person at the practice must act on, e.g. "call me to find another time". */
@Entity({ name: 'staff_inbox_entry' })
@Index('ux_staff_inbox_entry_response_kind', ['responseId', 'kind'], { unique: true })
@Index('ix_staff_inbox_entry_open', ['tenantId', 'createdAt'], { where: 'resolved_at IS NULL' })
export class StaffInboxEntryEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_staff_inbox_entry' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'appointment_id', type: 'uuid' })
  appointmentId!: string;

  /** `call_back_requested` or `write_back_failed`; a code, never the patient's words. */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'response_id', type: 'uuid' })
  responseId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
