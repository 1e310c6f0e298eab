import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import type { CallOutOutcome } from './call-out.model';

@Entity({ name: 'dispatch_call_out' })
@Index('ux_dispatch_call_out_idempotency', ['tenantId', 'idempotencyKey'], { unique: true })
export class CallOutEntity {
  @PrimaryColumn({
    name: 'call_out_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_dispatch_call_out',
  })
  callOutId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'provider_id', type: 'text' })
  providerId!: string;

  @Column({ name: 'from_at', type: 'timestamptz' })
  fromAt!: Date;

  @Column({ name: 'until_at', type: 'timestamptz', nullable: true })
  untilAt!: Date | null;

  @Column({ name: 'reason', type: 'text' })
  reason!: string;

  @Column({ name: 'source', type: 'text' })
  source!: 'api' | 'slack';

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'outcome', type: 'jsonb' })
  outcome!: CallOutOutcome;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
