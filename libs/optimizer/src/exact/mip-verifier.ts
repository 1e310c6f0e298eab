import { evaluateObjective, isIntegral, type MipModel } from './mip-model';

/**
 * Independent check of a solver's answer against the model it was given.
 *
 * A backend's status flag is not trusted: javascript-lp-solver 1.0.3 can hand
 * back the last (fractional) LP relaxation as "feasible" after a timeout, so
 * every answer is re-evaluated here before anyone reads it.
 */

export interface VerifierTolerances {
  /** Largest accepted |x - round(x)| for an integer or binary variable. */
  readonly integrality: number;
  /** Accepted violation of a bound or row, relative to max(1, |bound|). */
  readonly feasibility: number;
  /** Accepted difference between the reported and recomputed objective, relative. */
  readonly objective: number;
}

export const DEFAULT_TOLERANCES: VerifierTolerances = {
  integrality: 1e-6,
  feasibility: 1e-6,
  objective: 1e-5,
};

export type MipViolationKind = 'missing-value' | 'not-integral' | 'variable-bound' | 'constraint';

export interface MipViolation {
  readonly kind: MipViolationKind;
  /** Name of the variable or constraint at fault. */
  readonly subject: string;
  readonly amount: number;
}

export interface MipVerification {
  readonly ok: boolean;
  /** The first violations found (capped so a bad answer on a big model stays readable). */
  readonly violations: readonly MipViolation[];
  readonly violationCount: number;
  /** Integer variables snapped to the nearest integer; only meaningful when `ok`. */
  readonly values: Float64Array;
  /** Objective recomputed from `values`. */
  readonly objective: number;
  /**
   * |reported - recomputed| objective when it exceeds tolerance. Not a violation
   * (the point itself is fine) but the backend's optimality claim is then not
   * trusted: javascript-lp-solver 1.0.3 mis-reports the objective with negative
   * integer columns while returning the right point.
   */
  readonly objectiveMismatch?: number;
}

const MAX_REPORTED_VIOLATIONS = 20;

export function verifyMipSolution(
  model: MipModel,
  rawValues: ArrayLike<number>,
  reportedObjective?: number,
  tolerances: VerifierTolerances = DEFAULT_TOLERANCES,
): MipVerification {
  const violations: MipViolation[] = [];
  let violationCount = 0;
  const report = (violation: MipViolation): void => {
    violationCount += 1;
    if (violations.length < MAX_REPORTED_VIOLATIONS) violations.push(violation);
  };

  const values = new Float64Array(model.variables.length);
  if (rawValues.length !== model.variables.length) {
    report({
      kind: 'missing-value',
      subject: `${rawValues.length} of ${model.variables.length} values`,
      amount: NaN,
    });
  }
  model.variables.forEach((variable, index) => {
    // Past the end of a short answer this reads undefined, which isFinite rejects too.
    const raw = rawValues[index];
    if (!Number.isFinite(raw)) {
      report({ kind: 'missing-value', subject: variable.name, amount: NaN });
      values[index] = NaN;
      return;
    }
    let value = raw;
    if (isIntegral(variable.kind)) {
      const rounded = Math.round(raw);
      const fractionality = Math.abs(raw - rounded);
      if (fractionality > tolerances.integrality) {
        report({ kind: 'not-integral', subject: variable.name, amount: fractionality });
      }
      // Rows are checked on the snapped value, so a big-M row cannot hide a
      // 1e-7 fractional binary multiplied by a large constant.
      value = rounded;
    }
    values[index] = value;
    if (variable.lower - value > tolerances.feasibility * Math.max(1, Math.abs(variable.lower))) {
      report({ kind: 'variable-bound', subject: variable.name, amount: variable.lower - value });
    }
    if (value - variable.upper > tolerances.feasibility * Math.max(1, Math.abs(variable.upper))) {
      report({ kind: 'variable-bound', subject: variable.name, amount: value - variable.upper });
    }
  });

  for (const constraint of model.constraints) {
    let activity = 0;
    for (const term of constraint.terms)
      activity += term.coefficient * (values[term.variable] ?? NaN);
    if (Number.isNaN(activity)) {
      report({ kind: 'constraint', subject: constraint.name, amount: NaN });
      continue;
    }
    const below = constraint.lower - activity;
    const above = activity - constraint.upper;
    if (below > tolerances.feasibility * Math.max(1, Math.abs(constraint.lower))) {
      report({ kind: 'constraint', subject: constraint.name, amount: below });
    }
    if (above > tolerances.feasibility * Math.max(1, Math.abs(constraint.upper))) {
      report({ kind: 'constraint', subject: constraint.name, amount: above });
    }
  }

  const objective = evaluateObjective(model, values);
  const difference = reportedObjective === undefined ? 0 : Math.abs(objective - reportedObjective);
  const objectiveMismatch =
    difference <= tolerances.objective * Math.max(1, Math.abs(objective)) ? undefined : difference;

  return {
    ok: violationCount === 0,
    violations,
    violationCount,
    values,
    objective,
    ...(objectiveMismatch === undefined ? {} : { objectiveMismatch }),
  };
}
