import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { Weekday } from '../roster/roster.model';

/** When a tenant's plans run and how it reaches Google Maps. */
@Entity({ name: 'dispatch_tenant_settings' })
export class TenantSettingsEntity {
  @PrimaryColumn({
    name: 'tenant_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_dispatch_tenant_settings',
  })
  tenantId!: string;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ name: 'weekly_run_day', type: 'text' })
  weeklyRunDay!: Weekday;

  @Column({ name: 'weekly_run_time', type: 'text' })
  weeklyRunTime!: string;

  @Column({ name: 'weekly_plan_days', type: 'text', array: true })
  weeklyPlanDays!: Weekday[];

  @Column({ name: 'nightly_run_time', type: 'text', nullable: true })
  nightlyRunTime!: string | null;

  /**
   * Local time (HH:MM) of the daily roster import from the EHR (roster-import-schedule.ts);
   * null = off (the default): imports run only when asked for.
   */
  @Column({ name: 'roster_import_time', type: 'text', nullable: true })
  rosterImportTime!: string | null;

  /**
   * Write plan assignments that change an appointment's practitioner back to the EHR (through
   * ehr-gateway, dispatch.ehr-assignment.v1); off by default.
   */
  @Column({ name: 'ehr_write_back', type: 'boolean', default: false })
  ehrWriteBack!: boolean;

  /** Secret: never returned by the API, never logged. Null = the service's default key (if any). */
  @Column({ name: 'maps_api_key', type: 'text', nullable: true })
  mapsApiKey!: string | null;

  @Column({ name: 'maps_monthly_element_budget', type: 'integer' })
  mapsMonthlyElementBudget!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
