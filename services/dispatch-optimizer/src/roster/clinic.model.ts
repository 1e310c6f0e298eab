import type { Weekday } from './roster.model';

/** Local opening hours on the listed days (`HH:MM`). */
export interface OpeningHours {
  readonly days: readonly Weekday[];
  readonly from: string;
  readonly until: string;
}

/** A staffing block (e.g. AM 08:00–12:00): one provider staffs at most one clinic per block. */
export interface ClinicBlock {
  readonly name: string;
  readonly from: string;
  readonly until: string;
}
