import type { ObjectiveBreakdown } from './objective';

export interface Stop {
  readonly appointmentId: string;
  readonly location: number;
  readonly arrival: number;
  readonly wait: number;
  readonly start: number;
  readonly end: number;
  readonly travelSecondsFromPrevious: number;
  readonly travelMetersFromPrevious: number;
}

/** One shift (availability window) of one provider. Empty shifts are listed too, with no stops. */
export interface Itinerary {
  readonly providerId: string;
  /** Index into the provider's `availability`. */
  readonly shiftIndex: number;
  readonly departure: number;
  readonly returnArrival: number;
  readonly stops: readonly Stop[];
  readonly travelSecondsToEnd: number;
  readonly travelMetersToEnd: number;
  readonly totals: ItineraryTotals;
}

export interface ItineraryTotals {
  readonly visits: number;
  readonly load: number;
  readonly travelSeconds: number;
  readonly travelMeters: number;
  readonly serviceSeconds: number;
  readonly waitSeconds: number;
  /** returnArrival − departure (0 for an empty shift). */
  readonly workingSeconds: number;
  readonly overtimeSeconds: number;
}

export type UnservedReason =
  /** No provider holds all required credentials. */
  | 'NO_CREDENTIALED_PROVIDER'
  /** Credentialed providers exist but required/excluded/pinned providers rule all of them out. */
  | 'PROVIDER_RESTRICTION'
  /** The load exceeds every remaining provider's capacity (or their max visits is 0). */
  | 'CAPACITY'
  /** A clinic visit's windows do not fit the clinic's opening hours. */
  | 'CLINIC_CLOSED'
  /** No remaining provider is available at any time the visit could take place. */
  | 'OUTSIDE_AVAILABILITY'
  /** Availability overlaps, but travel from/to the provider's start/end makes every window unreachable. */
  | 'TIME_WINDOW_UNREACHABLE'
  /** Even alone in a shift the visit exceeds the maximum working time. */
  | 'MAX_WORKING_TIME'
  /** It could be served alone, but not together with the (higher-priority or cheaper) rest of the plan. */
  | 'NO_ROOM_IN_PLAN';

export const UNSERVED_REASONS: readonly UnservedReason[] = [
  'NO_CREDENTIALED_PROVIDER',
  'PROVIDER_RESTRICTION',
  'CAPACITY',
  'CLINIC_CLOSED',
  'OUTSIDE_AVAILABILITY',
  'TIME_WINDOW_UNREACHABLE',
  'MAX_WORKING_TIME',
  'NO_ROOM_IN_PLAN',
];

export interface UnservedAppointment {
  readonly appointmentId: string;
  readonly reason: UnservedReason;
}

export interface SolverStatistics {
  readonly solver: string;
  readonly seed: number;
  readonly threads: number;
  readonly iterations: number;
  readonly elapsedMs: number;
  readonly bestFoundAtIteration: number;
  readonly bestFoundAtMs: number;
  readonly stopReason: 'time-limit' | 'iteration-limit' | 'optimal' | 'no-work';
  /** Objective level-2 cost of the construction heuristic's plan. */
  readonly initialCost: number;
}

export interface Solution {
  readonly itineraries: readonly Itinerary[];
  readonly unserved: readonly UnservedAppointment[];
  readonly objective: ObjectiveBreakdown;
  readonly statistics: SolverStatistics;
}
