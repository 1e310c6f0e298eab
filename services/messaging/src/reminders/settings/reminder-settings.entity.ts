import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant's cadences, type mappings and caps, replaced as a whole through the admin API. */
@Entity({ name: 'reminder_settings' })
export class ReminderSettingsEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_reminder_settings',
  })
  tenantId!: string;

  /** Validated ReminderSettings JSON (reminderSettingsSchema). */
  @Column({ type: 'jsonb' })
  settings!: unknown;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** The admin's subject (token `sub`). */
  @Column({ name: 'updated_by', type: 'text' })
  updatedBy!: string;
}
