import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import type { DispatchExceptionKind } from './dispatch-exception.model';

@Entity({ name: 'dispatch_exception' })
@Index('ux_dispatch_exception_dedupe', ['tenantId', 'dedupeKey'], { unique: true })
@Index('ix_dispatch_exception_tenant_status', ['tenantId', 'status', 'createdAt'])
export class DispatchExceptionEntity {
  @PrimaryColumn({
    name: 'exception_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_dispatch_exception',
  })
  exceptionId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'kind', type: 'text' })
  kind!: DispatchExceptionKind;

  @Column({ name: 'reason', type: 'text' })
  reason!: string;

  @Column({ name: 'dedupe_key', type: 'text' })
  dedupeKey!: string;

  @Column({ name: 'plan_id', type: 'uuid', nullable: true })
  planId!: string | null;

  @Column({ name: 'plan_version', type: 'integer', nullable: true })
  planVersion!: number | null;

  @Column({ name: 'appointment_id', type: 'uuid', nullable: true })
  appointmentId!: string | null;

  @Column({ name: 'provider_id', type: 'text', nullable: true })
  providerId!: string | null;

  /**
   * The detail object as JSON, encrypted (it may name the patient: phi/dispatch-phi.ts); rows
   * from before encryption hold the JSON text until re-encrypted.
   */
  @Column({ name: 'detail', type: 'text' })
  detail!: string;

  @Column({ name: 'status', type: 'text' })
  status!: 'open' | 'resolved';

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
