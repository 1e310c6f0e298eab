import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A tenant's override of one shipped reminder template (channel, appointment type, language,
 * template name); the admin API replaces a tenant's set as a whole. Rendering falls back to
 * the shipped templates for every key without one.
 */
@Entity({ name: 'reminder_template_override' })
@Check('ck_reminder_template_override_channel', `channel IN ('sms', 'email')`)
export class ReminderTemplateOverrideEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_reminder_template_override',
  })
  tenantId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_reminder_template_override' })
  channel!: string;

  /** The cadence the appointment types map to, or `default`. */
  @PrimaryColumn({
    name: 'appointment_type',
    type: 'text',
    primaryKeyConstraintName: 'pk_reminder_template_override',
  })
  appointmentType!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_reminder_template_override' })
  language!: string;

  /** The template name a cadence step names, e.g. `reminder`. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_reminder_template_override' })
  name!: string;

  /** Validated template JSON: `{ body }` for a text, `{ subject, text, html }` for an email. */
  @Column({ type: 'jsonb' })
  template!: unknown;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** The admin's subject (token `sub`). */
  @Column({ name: 'updated_by', type: 'text' })
  updatedBy!: string;
}
