import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

import { AppointmentEntity } from './appointment.entity';

/**
 * Every EHR version applied to an appointment and the event that applied it: a trail for
 * tracing a change back to its cause. Order is `appointment.ehr_sequence`'s job.
 */
@Entity({ name: 'appointment_ehr_version' })
@ForeignKey(() => AppointmentEntity, ['tenantId', 'appointmentId'], ['tenantId', 'id'], {
  name: 'fk_appointment_ehr_version_appointment',
})
export class AppointmentEhrVersionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @PrimaryColumn({ name: 'appointment_id', type: 'uuid' })
  appointmentId!: string;

  @PrimaryColumn({ name: 'ehr_version', type: 'text' })
  ehrVersion!: string;

  /** The incoming event that applied this version (for tracing a change back to its cause). */
  @Column({ name: 'applied_by_event_id', type: 'text' })
  appliedByEventId!: string;

  @Column({ name: 'applied_at', type: 'timestamptz' })
  appliedAt!: Date;
}
