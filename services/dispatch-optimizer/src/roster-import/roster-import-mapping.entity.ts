import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { WeeklyAvailability } from '../roster/roster.model';
import type { QualificationMapping } from './ehr-roster-import.model';

/** A tenant's mapping of EHR codes to its credential codes, and new providers' defaults. */
@Entity({ name: 'dispatch_roster_import_mapping' })
export class RosterImportMappingEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_roster_import_mapping',
  })
  tenantId!: string;

  @Column({ name: 'qualifications', type: 'jsonb' })
  qualifications!: QualificationMapping[];

  @Column({ name: 'default_weekly_availability', type: 'jsonb' })
  defaultWeeklyAvailability!: WeeklyAvailability[];

  @Column({ name: 'max_hours_per_day', type: 'double precision' })
  maxHoursPerDay!: number;

  @Column({ name: 'max_hours_per_week', type: 'double precision' })
  maxHoursPerWeek!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
