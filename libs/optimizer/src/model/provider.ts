/**
 * One availability window is one shift: the provider leaves the start location no earlier than `start`
 * and is back at the end location no later than `end`. Each window becomes its own itinerary.
 */
export interface AvailabilityWindow {
  readonly start: number;
  readonly end: number;
  /** Hard cap on departure-to-return time of this shift; overrides the provider's default. */
  readonly maxWorkingSeconds?: number;
  /** Working time beyond this counts as overtime (soft, costed); overrides the provider's default. */
  readonly regularWorkingSeconds?: number;
  /** Where this shift starts/ends when not the provider's default (e.g. at a clinic; re-planning mid-shift). */
  readonly startLocation?: number;
  readonly endLocation?: number;
  /** Per-shift overrides of the provider's `capacity` and `maxVisits`. */
  readonly capacity?: number;
  readonly maxVisits?: number;
}

/** Multipliers on the secondary objective; all default to 1 except overtime (2). */
export interface ProviderCostWeights {
  /** Cost per second of travel (practice mode). */
  readonly travelSecond?: number;
  /** Cost per second of overtime (practice mode). */
  readonly overtimeSecond?: number;
}

export interface Provider {
  readonly id: string;
  /** E.g. MD, NP, RN, LPN, phlebotomy, wound-care. Compared case-sensitively. */
  readonly credentials: readonly string[];
  /** Index into `Problem.locations`. */
  readonly startLocation: number;
  /** Index into `Problem.locations`. */
  readonly endLocation: number;
  readonly availability: readonly AvailabilityWindow[];
  /** Default hard cap per shift (see `AvailabilityWindow.maxWorkingSeconds`). */
  readonly maxWorkingSeconds?: number;
  /** Default overtime threshold per shift (see `AvailabilityWindow.regularWorkingSeconds`). */
  readonly regularWorkingSeconds?: number;
  /** Maximum visits per shift. */
  readonly maxVisits?: number;
  /** Maximum summed appointment `load` per shift (Solomon: vehicle capacity). */
  readonly capacity?: number;
  readonly costWeights?: ProviderCostWeights;
}
