import type { Appointment } from './appointment';
import type { Clinic } from './clinic';
import type { Location } from './location';
import type { ObjectiveSettings } from './objective';
import type { Provider } from './provider';
import type { TimeWindow } from './time-window';

export interface GreatCircleTravelSpec {
  readonly kind: 'great-circle';
  /** Road distance / great-circle distance; default 1.3. */
  readonly roadFactor?: number;
  /** Average door-to-door speed; default 35 km/h. */
  readonly speedKmh?: number;
}

export interface MatrixTravelSpec {
  readonly kind: 'matrix';
  /** seconds[from][to], indexed like `Problem.locations`. */
  readonly seconds: readonly (readonly number[])[];
  /** meters[from][to]; when omitted the seconds matrix doubles as distance (Euclidean benchmarks). */
  readonly meters?: readonly (readonly number[])[];
}

export type TravelSpec = GreatCircleTravelSpec | MatrixTravelSpec;

export interface Problem {
  readonly locations: readonly Location[];
  readonly providers: readonly Provider[];
  readonly appointments: readonly Appointment[];
  readonly clinics?: readonly Clinic[];
  /**
   * Clinic blocks (e.g. half days). A provider works at no more than one clinic per block:
   * all clinic visits a provider starts inside one block belong to the same clinic.
   */
  readonly clinicBlocks?: readonly TimeWindow[];
  /** Defaults to great-circle with default factors. */
  readonly travel?: TravelSpec;
  readonly objective?: ObjectiveSettings;
  /**
   * Re-planning only: appointment id → provider id in the plan being revised.
   * Serving an appointment with a different provider costs `changedAssignmentCost`.
   */
  readonly previousAssignments?: Readonly<Record<string, string>>;
}
