/**
 * The documented objective, compared lexicographically:
 *   1. maximize the priority-weighted number of served appointments;
 *   2. minimize `cost`, which in `practice` mode is
 *        Σ travelSeconds·travelSecondWeight + Σ overtimeSeconds·overtimeSecondWeight
 *        + preferenceViolations·preferenceViolationCost + changedAssignments·changedAssignmentCost
 *      and in `distance` mode (benchmarks) is the total travelled distance (meters, or the matrix's unit).
 * Hard constraints (credentials, windows, capacity, caps, pins) are never traded against cost.
 */
export type ObjectiveMode = 'practice' | 'distance';

export interface ObjectiveSettings {
  readonly mode?: ObjectiveMode;
  /** Cost of serving an appointment by a provider outside its `preferredProviders`; seconds-of-travel equivalent. */
  readonly preferenceViolationCost?: number;
  /** Re-planning: cost of moving an appointment to a provider other than in the previous plan. */
  readonly changedAssignmentCost?: number;
}

export const DEFAULT_PREFERENCE_VIOLATION_COST = 900;
export const DEFAULT_CHANGED_ASSIGNMENT_COST = 4 * 3600;
export const DEFAULT_TRAVEL_SECOND_WEIGHT = 1;
export const DEFAULT_OVERTIME_SECOND_WEIGHT = 2;

export interface ObjectiveBreakdown {
  readonly mode: ObjectiveMode;
  readonly servedCount: number;
  readonly unservedCount: number;
  /** Level 1 (maximized). */
  readonly servedPriority: number;
  readonly unservedPriority: number;
  readonly travelSeconds: number;
  readonly travelMeters: number;
  readonly overtimeSeconds: number;
  readonly preferenceViolations: number;
  readonly changedAssignments: number;
  /** Level 2 (minimized), see the formula above. */
  readonly cost: number;
}

/** Negative when `a` is better than `b`. Costs within 1e-6 are equal (float noise). */
export function compareObjectives(a: ObjectiveBreakdown, b: ObjectiveBreakdown): number {
  if (Math.abs(a.servedPriority - b.servedPriority) > 1e-9)
    return b.servedPriority - a.servedPriority;
  if (Math.abs(a.cost - b.cost) > 1e-6) return a.cost - b.cost;
  return 0;
}
