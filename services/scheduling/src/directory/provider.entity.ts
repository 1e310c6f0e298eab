import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A practitioner as the EHR last described them. */
@Entity({ name: 'provider' })
@Index('ux_provider_tenant_ehr_practitioner', ['tenantId', 'ehrPractitionerId'], { unique: true })
@Index('ux_provider_tenant_id', ['tenantId', 'id'], { unique: true })
export class ProviderEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'ehr_practitioner_id', type: 'text' })
  ehrPractitionerId!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ name: 'credentials', type: 'text' })
  credentials!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
