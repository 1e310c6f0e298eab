import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Appointment versions the EHR created for our own write-backs: the EHR's webhook carrying
 * one of them is our echo, not a change by the practice.
 */
@Entity({ name: 'ehr_written_version' })
export class WrittenVersionEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'varchar',
    length: 100,
    primaryKeyConstraintName: 'PK_ehr_written_version',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'ehr_appointment_id',
    type: 'varchar',
    length: 64,
    primaryKeyConstraintName: 'PK_ehr_written_version',
  })
  ehrAppointmentId!: string;

  @PrimaryColumn({
    name: 'ehr_version',
    type: 'varchar',
    length: 64,
    primaryKeyConstraintName: 'PK_ehr_written_version',
  })
  ehrVersion!: string;

  @Column({ name: 'write_back_id', type: 'uuid' })
  writeBackId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
