import type {
  Problem,
  ReplanOptions,
  ReplanRequest,
  ReplanResult,
  Solution,
  SolveOptions,
} from '@caredispatch/optimizer';

import type { ProblemWindow } from './booking-replan';

/**
 * What crosses to the solver thread: plain data only (structured clone), so no `travel` provider
 * instance in the options — problems carry their travel matrix.
 */
export type PlainSolveOptions = Omit<SolveOptions, 'travel'>;
export type PlainReplanOptions = Omit<ReplanOptions, 'travel'>;

export type SolverJob =
  | { readonly kind: 'solve'; readonly problem: Problem; readonly options: PlainSolveOptions }
  | {
      readonly kind: 'replan';
      readonly request: ReplanRequest;
      readonly options: PlainReplanOptions;
    }
  | {
      readonly kind: 'replan-booking-change';
      readonly request: ReplanRequest;
      readonly options: PlainReplanOptions;
      readonly bookingDay: ProblemWindow | null;
    };

export interface SolverJobMessage {
  readonly id: number;
  readonly job: SolverJob;
}

export type SolverReply =
  | { readonly id: number; readonly ok: true; readonly value: Solution | ReplanResult }
  | { readonly id: number; readonly ok: false; readonly name: string; readonly message: string };
