import type { WeeklyAvailability } from '../roster/roster.model';

/**
 * An EHR code that stands for tenant credential codes. `system` empty matches the code in any
 * coding system (many EHRs send bare codes).
 */
export interface QualificationMapping {
  readonly system: string;
  readonly code: string;
  readonly credentials: readonly string[];
}

/** The tenant's import settings: code → credentials, and what new providers start with. */
export interface RosterImportMapping {
  readonly qualifications: readonly QualificationMapping[];
  /** New providers whose roles carry no availableTime start with these hours. */
  readonly defaultWeeklyAvailability: readonly WeeklyAvailability[];
  readonly maxHoursPerDay: number;
  readonly maxHoursPerWeek: number;
}

export const DEFAULT_ROSTER_IMPORT_MAPPING: RosterImportMapping = {
  qualifications: [],
  defaultWeeklyAvailability: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({
    day,
    from: '08:00',
    until: '17:00',
  })),
  maxHoursPerDay: 8,
  maxHoursPerWeek: 40,
};

/**
 * The fields of a provider the import may own, with the values it last wrote. A field is the
 * import's only while the provider still holds exactly that value; once staff change it, the
 * field is staff's (docs/roster-import.md).
 */
export interface ImportedFields {
  readonly displayName?: string;
  readonly credentials?: readonly string[];
  readonly clinicIds?: readonly string[];
  readonly weeklyAvailability?: readonly WeeklyAvailability[];
  readonly active?: boolean;
}

export type ImportOwnedField = keyof ImportedFields;

export const IMPORT_OWNED_FIELDS: readonly ImportOwnedField[] = [
  'displayName',
  'credentials',
  'clinicIds',
  'weeklyAvailability',
  'active',
];

/** Why part of the EHR's roster did not reach dispatch as it is; EHR ids and codes only. */
export type RosterImportWarning =
  | {
      readonly code: 'UNMAPPED_QUALIFICATION';
      readonly practitionerId: string;
      readonly system: string;
      readonly qualification: string;
    }
  | {
      readonly code: 'UNMAPPED_LOCATION';
      readonly practitionerId: string;
      readonly locationId: string;
    }
  /** A new practitioner not created: no credential / clinic / channel / usable id. */
  | { readonly code: 'NO_CREDENTIAL'; readonly practitionerId: string }
  | { readonly code: 'NO_CLINIC'; readonly practitionerId: string }
  | { readonly code: 'NO_CHANNEL'; readonly practitionerId: string }
  | { readonly code: 'INVALID_ID'; readonly practitionerId: string }
  /** A new practitioner whose id is a provider linked to another practitioner. */
  | { readonly code: 'ID_TAKEN'; readonly practitionerId: string }
  /** The EHR's value differs from one staff set by hand; staff's value was kept. */
  | {
      readonly code: 'KEPT_STAFF_EDIT';
      readonly practitionerId: string;
      readonly providerId: string;
      readonly field: ImportOwnedField;
    };

export interface RosterImportSummary {
  readonly practitioners: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skipped: number;
  readonly warnings: readonly RosterImportWarning[];
}
