import {
  DEFAULT_TOLERANCES,
  verifyMipSolution,
  type MipVerification,
  type VerifierTolerances,
} from './mip-verifier';

import type { MipModel } from './mip-model';

/**
 * The solver port: formulations talk to `solveMip`, never to a backend's own
 * API, so javascript-lp-solver and HiGHS are interchangeable and both answers
 * pass through the same verifier.
 */

export type MipBackendName = 'javascript-lp-solver' | 'highs';

export interface MipSolveOptions {
  /** Wall-clock budget for the backend; it may stop with an unproven incumbent. */
  readonly timeLimitMs?: number;
  /** Stop once (incumbent - bound) / |incumbent| is below this; 0 asks for a proof of optimality. */
  readonly relativeGap?: number;
  readonly tolerances?: VerifierTolerances;
  /**
   * A known feasible point (one value per variable) handed to the backend as a
   * MIP start, so a time-limited run never ends without an incumbent. HiGHS
   * only; other backends ignore it. The answer is verified as always.
   */
  readonly start?: Float64Array;
}

/**
 * What a backend claims, before verification. `no-solution`: stopped by a
 * limit without an incumbent (a bound may still be known); `time-limit`: the
 * run was killed at its wall-clock limit, so nothing at all is known.
 */
export type RawMipStatus =
  'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'no-solution' | 'time-limit' | 'error';

export interface RawMipAnswer {
  readonly status: RawMipStatus;
  readonly values?: Float64Array;
  /** Objective as reported by the backend (model constant included). */
  readonly objective?: number;
  /** Best proven bound on the optimum, when the backend proves one. */
  readonly bound?: number;
  readonly message?: string;
}

export interface MipBackend {
  readonly name: MipBackendName;
  solveRaw(model: MipModel, options: MipSolveOptions): Promise<RawMipAnswer>;
}

/** `rejected`: the backend claimed a solution that failed verification. */
export type MipStatus = RawMipStatus | 'rejected';

export interface MipResult {
  readonly backend: MipBackendName;
  readonly status: MipStatus;
  /** Verified values (integers snapped); present only for `optimal` and `feasible`. */
  readonly values?: Float64Array;
  /** Objective recomputed by the verifier from `values`. */
  readonly objective?: number;
  /** Proven bound: equals `objective` when optimal. */
  readonly bound?: number;
  /** |objective - bound| / max(1, |objective|); 0 when optimal. */
  readonly gap?: number;
  readonly timeMs: number;
  readonly verification?: MipVerification;
  readonly message?: string;
}

export async function solveMip(
  backend: MipBackend,
  model: MipModel,
  options: MipSolveOptions = {},
): Promise<MipResult> {
  const started = performance.now();
  const emptyRow = emptyRowViolation(model);
  if (emptyRow !== undefined) {
    return {
      backend: backend.name,
      status: 'infeasible',
      timeMs: 0,
      message: `row ${emptyRow} has no terms and excludes 0`,
    };
  }
  let raw: RawMipAnswer;
  try {
    raw = await backend.solveRaw(model, options);
  } catch (error) {
    return {
      backend: backend.name,
      status: 'error',
      timeMs: performance.now() - started,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  const timeMs = performance.now() - started;
  const base = {
    backend: backend.name,
    timeMs,
    ...(raw.message === undefined ? {} : { message: raw.message }),
  };
  if ((raw.status !== 'optimal' && raw.status !== 'feasible') || raw.values === undefined) {
    return {
      ...base,
      status: raw.status === 'optimal' || raw.status === 'feasible' ? 'no-solution' : raw.status,
      // A bound proven without an incumbent is still worth keeping: it bounds someone else's plan.
      ...(raw.status === 'no-solution' && raw.bound !== undefined ? { bound: raw.bound } : {}),
    };
  }

  const verification = verifyMipSolution(
    model,
    raw.values,
    raw.objective,
    options.tolerances ?? DEFAULT_TOLERANCES,
  );
  if (!verification.ok) {
    const first = verification.violations.at(0);
    return {
      ...base,
      status: 'rejected',
      verification,
      message: `${backend.name} claimed ${raw.status} but the answer fails verification (${verification.violationCount} violations, first: ${first?.kind ?? '?'} ${first?.subject ?? ''})`,
    };
  }

  const objective = verification.objective;
  if (verification.objectiveMismatch !== undefined) {
    return {
      ...base,
      status: 'feasible',
      values: verification.values,
      objective,
      verification,
      message: `${backend.name} reported an objective ${verification.objectiveMismatch} away from its own point; kept as feasible, not optimal`,
    };
  }
  const bound = raw.bound ?? (raw.status === 'optimal' ? objective : undefined);
  const gap = bound === undefined ? undefined : relativeGap(objective, bound);
  return {
    ...base,
    status: raw.status,
    values: verification.values,
    objective,
    ...(bound === undefined ? {} : { bound }),
    ...(gap === undefined ? {} : { gap }),
    verification,
  };
}

/** |objective - bound| / max(1, |objective|): the same convention for every backend and bench table. */
export function relativeGap(objective: number, bound: number): number {
  return Math.abs(objective - bound) / Math.max(1, Math.abs(objective));
}

/**
 * A row left with no terms (all coefficients zero) is either always true or
 * makes the model infeasible. Backends drop such rows silently, so the
 * infeasible case is answered here rather than by a backend "solution".
 */
function emptyRowViolation(model: MipModel): string | undefined {
  for (const constraint of model.constraints) {
    if (constraint.terms.length === 0 && (constraint.lower > 0 || constraint.upper < 0))
      return constraint.name;
  }
  return undefined;
}
