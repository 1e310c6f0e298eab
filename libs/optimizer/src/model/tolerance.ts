/**
 * The one feasibility rule shared by `compileProblem`, the solvers and the checker, so that "feasible" means the same
 * thing everywhere. The slack is absolute, not relative: times are seconds from a caller-chosen origin, and a relative
 * slack would grow with the origin (1e-6 × 5 days ≈ 0.4 s) while float noise on sums of travel legs does not.
 */

/** Seconds of slack on every time comparison (float sums of travel times computed in different orders). */
export const TIME_TOLERANCE = 1e-6;

/** Slack on load against capacity (sums of fractional loads). */
export const LOAD_TOLERANCE = 1e-9;

/** Whether an instant or duration `value` respects the upper bound `limit` (shift end, due time, working cap, …). */
export function fitsBefore(value: number, limit: number): boolean {
  return value <= limit + TIME_TOLERANCE;
}

/** Whether a total `load` fits `capacity`. */
export function fitsCapacity(load: number, capacity: number): boolean {
  return load <= capacity + LOAD_TOLERANCE;
}
