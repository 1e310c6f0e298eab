/**
 * The stored dispatch plan: what the planner writes and what itinerary delivery reads.
 *
 * Stability contract (dispatch-deliver builds on it): fields are only ever ADDED, never renamed,
 * retyped or removed. Instants are ISO-8601 UTC strings (`2026-11-30T14:00:00.000Z`), calendar
 * days are `YYYY-MM-DD` in the practice's time zone, durations are whole seconds.
 */
import type { ObjectiveBreakdown, SolverStatistics, UnservedReason } from '@caredispatch/optimizer';

export const PLAN_KINDS = ['weekly', 'nightly', 'on-demand', 'replan'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

/** The period a plan covers: `[from, until)` as instants plus the practice days it spans. */
export interface PlanHorizon {
  readonly from: string;
  readonly until: string;
  /** IANA zone the days, clinic hours and availability are read in. */
  readonly timeZone: string;
  /** Practice days covered, ascending (`YYYY-MM-DD`). */
  readonly days: readonly string[];
}

export const VISIT_MODES = ['clinic', 'home'] as const;
export type VisitMode = (typeof VISIT_MODES)[number];

export interface Coordinates {
  readonly lat: number;
  readonly lon: number;
}

/** Where a stop happens. For a clinic visit it is the clinic's address. */
export interface StopAddress {
  /** One line, as a provider would type it into a map (`12 Elm St, Springfield, IL 62701`). */
  readonly line: string;
  readonly coordinates: Coordinates;
}

export interface PlanStop {
  readonly appointmentId: string;
  /** Minimum necessary: given name + initial of the family name (`Maria G.`). */
  readonly patientDisplayName: string;
  readonly address: StopAddress;
  /** The tenant's appointment-type code (e.g. `wound-check`). */
  readonly visitType: string;
  readonly visitMode: VisitMode;
  /** Set when `visitMode` is `clinic`. */
  readonly clinicId: string | null;
  readonly arrival: string;
  readonly start: string;
  readonly end: string;
  /** 0 for the first stop of a clinic block reached from another stop at the same clinic. */
  readonly travelSecondsFromPrevious: number;
  readonly travelMetersFromPrevious: number;
  /** Started before the re-plan's freeze time: provider and start are fixed. */
  readonly frozen: boolean;
}

export const CLINIC_BLOCK_NAMES = ['AM', 'PM'] as const;
/** Block names are tenant-defined; `AM`/`PM` are the defaults. */
export type ClinicBlockName = string;

/** A block during which the provider staffs one clinic, with the visits held there. */
export interface ClinicSession {
  readonly clinicId: string;
  readonly clinicName: string;
  readonly block: ClinicBlockName;
  readonly start: string;
  readonly end: string;
  /** Visits of this session in start order; each is also one of the day's `stops`. */
  readonly appointmentIds: readonly string[];
}

export interface ProviderDayTotals {
  readonly visits: number;
  /** Sum of every leg including the drive home. */
  readonly driveSeconds: number;
  readonly driveMeters: number;
  /** Departure to return. */
  readonly workingSeconds: number;
  readonly overtimeSeconds: number;
}

/** One provider's itinerary for one practice day (one optimizer shift). */
export interface ProviderDayPlan {
  readonly providerId: string;
  /** `YYYY-MM-DD` in the horizon's time zone. */
  readonly day: string;
  readonly departure: string;
  readonly returnArrival: string;
  readonly startAddress: StopAddress;
  readonly endAddress: StopAddress;
  /** All visits of the day in order, home and clinic. Empty on a day off the provider is rostered for. */
  readonly stops: readonly PlanStop[];
  readonly travelSecondsToEnd: number;
  readonly clinicSessions: readonly ClinicSession[];
  readonly totals: ProviderDayTotals;
}

/** Why an appointment is not in anyone's itinerary: the optimizer's reasons plus dispatch's own. */
export type PlanUnservedReason =
  | UnservedReason
  /** The home-visit address could not be geocoded. */
  | 'ADDRESS_NOT_GEOCODED'
  /** No appointment-type rule exists for the appointment's type. */
  | 'UNKNOWN_APPOINTMENT_TYPE'
  /** A clinic-mode appointment whose location is not one of the tenant's clinics. */
  | 'UNKNOWN_CLINIC';

export interface UnservedPlanAppointment {
  readonly appointmentId: string;
  readonly patientDisplayName: string;
  readonly visitType: string;
  readonly visitMode: VisitMode;
  /** The start scheduling booked. */
  readonly requestedStart: string;
  readonly reason: PlanUnservedReason;
  /** Set when a re-plan dropped a visit that this provider had. */
  readonly previousProviderId: string | null;
}

export type TravelTimeSourceName = 'google-maps' | 'great-circle';

/** Where the plan's travel times came from and what they cost. */
export interface PlanTravelTimeSource {
  readonly source: TravelTimeSourceName;
  /** True when some or all pairs used great-circle estimates because Maps was down or the budget spent. */
  readonly fallback: boolean;
  readonly fallbackReason: 'maps-unavailable' | 'budget-exhausted' | 'no-api-key' | null;
  /** Origin–destination pairs estimated by great circle. */
  readonly estimatedPairs: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  /** Distance Matrix elements billed by Google for this plan. */
  readonly billedElements: number;
}

export interface PlanSolverSummary {
  readonly statistics: SolverStatistics;
  /** The optimizer's checker found no violation (plans that fail it are never stored). */
  readonly checkerViolations: 0;
}

/** What triggered a re-plan; null for a full run. */
export type PlanChangeCause =
  | { readonly kind: 'appointment-added'; readonly appointmentId: string }
  | { readonly kind: 'appointment-moved'; readonly appointmentId: string }
  | { readonly kind: 'appointment-cancelled'; readonly appointmentId: string }
  | { readonly kind: 'call-out'; readonly callOutId: string; readonly providerId: string };

export interface PlanVersion {
  readonly tenantId: string;
  /** Stable across versions: one plan id per horizon run (weekly, nightly, on-demand). */
  readonly planId: string;
  /** 1 for the run itself, +1 per incremental re-plan. */
  readonly version: number;
  readonly kind: PlanKind;
  readonly horizon: PlanHorizon;
  readonly createdAt: string;
  /** Re-plans: the version revised and why; freeze time when one applied. */
  readonly basedOnVersion: number | null;
  readonly cause: PlanChangeCause | null;
  readonly freezeTime: string | null;
  readonly solver: PlanSolverSummary;
  readonly objective: ObjectiveBreakdown;
  readonly travel: PlanTravelTimeSource;
  /** Every rostered provider-day of the horizon, providers ascending, then days ascending. */
  readonly providerDays: readonly ProviderDayPlan[];
  readonly unserved: readonly UnservedPlanAppointment[];
}

/** Key of one provider-day, the unit itineraries are delivered and deltas computed in. */
export interface ProviderDayKey {
  readonly providerId: string;
  readonly day: string;
}
