import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { VisitMode } from '../plan/plan.model';

/** What an appointment type needs: credentials, where it happens, how long, how important. */
@Entity({ name: 'dispatch_appointment_type_rule' })
export class AppointmentTypeRuleEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_appointment_type_rule',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'type_code',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_appointment_type_rule',
  })
  typeCode!: string;

  @Column({ name: 'required_credentials', type: 'text', array: true })
  requiredCredentials!: string[];

  @Column({ name: 'visit_mode', type: 'text' })
  visitMode!: VisitMode;

  @Column({ name: 'default_duration_minutes', type: 'integer' })
  defaultDurationMinutes!: number;

  @Column({ name: 'priority', type: 'integer' })
  priority!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
