import type { ObjectiveMode } from './objective';
import type { Problem } from './problem';
import type { UnservedReason } from './solution';
import type { TravelTimeProvider } from './travel';

/**
 * Dense, index-based view of a `Problem` for solvers. Built once by `compileProblem`; read-only afterwards.
 *
 * - Locations are re-indexed to the ones actually used (`locationCount`), matrices are row-major L×L.
 * - A *vehicle* is one provider shift (one availability window).
 * - A *task* is one admissible start window of an appointment (its windows ∩ clinic hours ∩ clinic blocks);
 *   an appointment is served by at most one of its tasks. Each task has a single window [ready, due] for the start.
 * - `eligible[v * appointmentCount + a]` = vehicle v may serve appointment a on its own (credentials,
 *   required/excluded/pinned providers, capacity, max visits, and a one-visit shift is time-feasible).
 */
export interface CompiledProblem {
  readonly problem: Problem;
  readonly travel: TravelTimeProvider;
  readonly mode: ObjectiveMode;

  readonly locationCount: number;
  /** Compiled location index → `Problem.locations` index. */
  readonly locationSource: Int32Array;
  readonly travelSeconds: Float64Array;
  /**
   * Float64 in distance mode (it is the cost; the same array as `travelSeconds` when every entry is equal, as for
   * Euclidean benchmarks); float32 in practice mode, where meters are only reported (relative error ≤ 6e-8).
   */
  readonly travelMeters: Float64Array | Float32Array;
  /** Per-arc cost before the vehicle's travel weight: seconds (practice) or meters (distance, full precision). */
  readonly arcCost: Float64Array;

  readonly appointmentCount: number;
  readonly appointmentIds: readonly string[];
  readonly appointmentIndexById: ReadonlyMap<string, number>;
  readonly appointmentPriority: Float64Array;
  readonly appointmentLoad: Float64Array;
  /** Compiled location index. */
  readonly appointmentLocation: Int32Array;
  readonly appointmentDuration: Float64Array;
  /** Tasks of appointment a are `appointmentFirstTask[a] .. appointmentFirstTask[a + 1] - 1`. */
  readonly appointmentFirstTask: Int32Array;
  /** Provider index or -1. */
  readonly appointmentPinnedProvider: Int32Array;
  /** Level-1 weight folded into one scalar: priority × `lexicographicWeight`. */
  readonly appointmentUnservedPenalty: Float64Array;
  /** Why no vehicle can serve the appointment even alone; null when some vehicle can. */
  readonly appointmentInfeasibleReason: readonly (UnservedReason | null)[];

  readonly taskCount: number;
  readonly taskAppointment: Int32Array;
  readonly taskReady: Float64Array;
  readonly taskDue: Float64Array;
  /** Clinic index or -1. */
  readonly taskClinic: Int32Array;
  /** Clinic-block index or -1. */
  readonly taskBlock: Int32Array;
  readonly hasClinicBlocks: boolean;

  readonly providerCount: number;
  readonly providerIds: readonly string[];
  readonly providerIndexById: ReadonlyMap<string, number>;

  readonly vehicleCount: number;
  readonly vehicleProvider: Int32Array;
  readonly vehicleShift: Int32Array;
  readonly vehicleStartLocation: Int32Array;
  readonly vehicleEndLocation: Int32Array;
  readonly vehicleShiftStart: Float64Array;
  readonly vehicleShiftEnd: Float64Array;
  /** Infinity when uncapped. */
  readonly vehicleMaxWorking: Float64Array;
  /** Infinity when no overtime applies. */
  readonly vehicleRegularWorking: Float64Array;
  readonly vehicleCapacity: Float64Array;
  readonly vehicleMaxVisits: Float64Array;
  /** Multiplies `arcCost`. */
  readonly vehicleTravelWeight: Float64Array;
  /** Cost per overtime second (0 in distance mode). */
  readonly vehicleOvertimeWeight: Float64Array;

  readonly eligible: Uint8Array;
  /** Preference-violation and changed-assignment cost of vehicle v serving appointment a. */
  readonly assignmentPenalty: Float64Array;
  readonly preferenceViolation: Uint8Array;
  readonly changedAssignment: Uint8Array;

  /** Strictly larger than any plan's level-2 cost, so one unserved priority unit outweighs all of it. */
  readonly lexicographicWeight: number;
}
