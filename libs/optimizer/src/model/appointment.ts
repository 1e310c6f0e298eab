import type { TimeWindow } from './time-window';

export interface Appointment {
  readonly id: string;
  /** Index into `Problem.locations`. */
  readonly location: number;
  readonly durationSeconds: number;
  /**
   * Windows for the START of the visit (Solomon convention). Any one of them may be used.
   * Omitted and no `fixedStart`: any time within a provider's availability. An empty list: it can no longer take place.
   */
  readonly timeWindows?: readonly TimeWindow[];
  /** Shorthand for a single zero-width window; wins over `timeWindows`. */
  readonly fixedStart?: number;
  /** The provider must hold ALL of these credentials. */
  readonly requiredCredentials?: readonly string[];
  /** Positive weight in the first objective level; defaults to 1. */
  readonly priority?: number;
  /** Serving with any other provider costs `ObjectiveSettings.preferenceViolationCost`. */
  readonly preferredProviders?: readonly string[];
  /** Only these providers may serve it (hard). */
  readonly requiredProviders?: readonly string[];
  /** These providers may never serve it (hard). */
  readonly excludedProviders?: readonly string[];
  /** Counted against the provider's `capacity`; defaults to 0. */
  readonly load?: number;
  /** Hard: only this provider may serve it, and the solver never moves it to another provider. */
  readonly pinnedProvider?: string;
  /** Set when the visit happens at a clinic: the visit must fit in opening hours and the clinic-block rule applies. */
  readonly clinicId?: string;
}
