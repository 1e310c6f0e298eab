import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import type { ImportedFields } from '../roster-import/ehr-roster-import.model';
import type {
  AvailabilityException,
  DeliveryPreferences,
  HomeBase,
  WeeklyAvailability,
} from './roster.model';

/** A rostered provider; `provider_id` is the tenant's own id (the one scheduling/EHR uses). */
@Entity({ name: 'dispatch_provider' })
@Index('uq_dispatch_provider_ehr_practitioner', ['tenantId', 'ehrPractitionerId'], { unique: true })
export class ProviderEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_provider',
  })
  tenantId!: string;

  @PrimaryColumn({
    name: 'provider_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_provider',
  })
  providerId!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ name: 'credentials', type: 'text', array: true })
  credentials!: string[];

  @Column({ name: 'home_base', type: 'jsonb' })
  homeBase!: HomeBase;

  @Column({ name: 'clinic_ids', type: 'text', array: true })
  clinicIds!: string[];

  @Column({ name: 'weekly_availability', type: 'jsonb' })
  weeklyAvailability!: WeeklyAvailability[];

  @Column({ name: 'availability_exceptions', type: 'jsonb' })
  availabilityExceptions!: AvailabilityException[];

  @Column({ name: 'max_hours_per_day', type: 'double precision' })
  maxHoursPerDay!: number;

  @Column({ name: 'max_hours_per_week', type: 'double precision' })
  maxHoursPerWeek!: number;

  @Column({ name: 'delivery', type: 'jsonb' })
  delivery!: DeliveryPreferences;

  @Column({ name: 'active', type: 'boolean' })
  active!: boolean;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** FHIR Practitioner.id once the EHR roster import linked the provider; null otherwise. */
  @Column({ name: 'ehr_practitioner_id', type: 'text', nullable: true })
  ehrPractitionerId!: string | null;

  /** What the import last wrote into each field it owns (docs/roster-import.md). */
  @Column({ name: 'ehr_import', type: 'jsonb', nullable: true })
  ehrImport!: ImportedFields | null;
}
