import type { Problem, Solution, TravelTimeProvider, UnservedAppointment } from '../model';
import type { PlanChange } from './plan-change';

export interface ReplanRequest {
  /** The problem the current plan was made for. */
  readonly problem: Problem;
  readonly plan: Solution;
  readonly changes: readonly PlanChange[];
  /** Visits that started before this time are frozen: same provider, same start. Nothing new is scheduled before it. */
  readonly freezeTime: number;
}

export interface ReplanOptions {
  /** Wall-clock budget of the improvement phase; default 1000 ms unless only `maxIterations` is given. */
  readonly timeLimitMs?: number;
  /** Iteration cap; with no time limit the result is a pure function of the seed (the specs use that). */
  readonly maxIterations?: number;
  /** Stop after this many iterations without a better plan; default 400. */
  readonly maxIterationsWithoutImprovement?: number;
  readonly seed?: number;
  /** Polish the anchored repair with the full solver under the same costs (default true); false = repair only. */
  readonly polish?: boolean;
  /** Overrides `problem.travel` (e.g. a maps-backed provider). */
  readonly travel?: TravelTimeProvider;
}

/** Served by another provider than before (`toProviderId`), or no longer served (`toProviderId` null). */
export interface AssignmentChange {
  readonly appointmentId: string;
  readonly fromProviderId: string;
  /** null when the appointment is no longer served. */
  readonly toProviderId: string | null;
}

/** Same provider, different start. */
export interface RetimedVisit {
  readonly appointmentId: string;
  readonly providerId: string;
  readonly fromStart: number;
  readonly toStart: number;
}

export interface NoLongerServed extends UnservedAppointment {
  readonly previousProviderId: string;
}

export interface ReplanSummary {
  /** Served before, not cancelled, and now with another provider or unserved: the number the re-plan minimizes. */
  readonly changedAssignments: number;
  readonly changedProvider: number;
  readonly noLongerServed: number;
  readonly retimed: number;
  readonly unchanged: number;
  readonly newlyServed: number;
  readonly stillUnserved: number;
  readonly cancelled: number;
}

export interface ReplanResult {
  /**
   * The problem the new plan solves: changes applied, frozen visits pinned at their start, shifts that had not
   * started moved to the freeze time, windows clipped to the future. Check the new plan against this one.
   */
  readonly problem: Problem;
  readonly solution: Solution;
  readonly frozenAppointmentIds: readonly string[];
  /** Every assignment that changed: moved to another provider, or dropped (`toProviderId` null). */
  readonly changedAssignments: readonly AssignmentChange[];
  readonly retimed: readonly RetimedVisit[];
  /** Served in the old plan (and not cancelled) but not in the new one, with the reason. */
  readonly noLongerServed: readonly NoLongerServed[];
  /** Unserved in the old plan (or just added) and served now. */
  readonly newlyServed: readonly string[];
  /** Unserved in the old plan and still unserved, with the current reason. */
  readonly stillUnserved: readonly UnservedAppointment[];
  /** Added appointments that cannot be served, with the reason. */
  readonly addedUnserved: readonly UnservedAppointment[];
  /** Cancellations applied (the appointment is gone from `problem`). */
  readonly cancelledAppointmentIds: readonly string[];
  /** Cancellations refused because the visit had already started: it stays frozen. */
  readonly startedCancellationIds: readonly string[];
  readonly summary: ReplanSummary;
}
