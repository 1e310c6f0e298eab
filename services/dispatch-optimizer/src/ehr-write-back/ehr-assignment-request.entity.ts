import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The practitioner dispatch last asked ehr-gateway to write on an appointment, and the booked
 * one it replaced: while scheduling still reports that booked practitioner, the request stands
 * and a later plan asks again only when its assignment differs from it.
 */
@Entity({ name: 'dispatch_ehr_assignment_request' })
export class EhrAssignmentRequestEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_ehr_assignment_request',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'appointment_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_dispatch_ehr_assignment_request',
  })
  appointmentId!: string;

  @Column({ name: 'ehr_practitioner_id', type: 'text' })
  ehrPractitionerId!: string;

  @Column({ name: 'booked_ehr_practitioner_id', type: 'text' })
  bookedEhrPractitionerId!: string;

  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @Column({ name: 'plan_version', type: 'integer' })
  planVersion!: number;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;
}
