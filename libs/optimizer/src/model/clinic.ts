import type { TimeWindow } from './time-window';

export interface Clinic {
  readonly id: string;
  /** Index into `Problem.locations`. */
  readonly location: number;
  /** A clinic visit must start and end inside one of these. */
  readonly openingHours: readonly TimeWindow[];
}
