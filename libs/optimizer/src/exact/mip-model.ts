/**
 * A solver-neutral mixed-integer linear model.
 *
 * Formulations build one of these; each backend translates it into its own
 * input format. Keeping the model in one plain shape is what lets the verifier
 * check every backend's answer against the same constraints.
 */

export type VariableKind = 'continuous' | 'integer' | 'binary';

export interface MipVariable {
  readonly name: string;
  readonly lower: number;
  readonly upper: number;
  readonly kind: VariableKind;
}

export interface LinearTerm {
  readonly variable: number;
  readonly coefficient: number;
}

/** `lower <= Σ terms <= upper`; an open side is ±Infinity. */
export interface MipConstraint {
  readonly name: string;
  readonly terms: readonly LinearTerm[];
  readonly lower: number;
  readonly upper: number;
}

export type ObjectiveSense = 'minimize' | 'maximize';

export interface MipObjective {
  readonly sense: ObjectiveSense;
  readonly terms: readonly LinearTerm[];
  readonly constant: number;
}

export interface MipModel {
  readonly name: string;
  readonly variables: readonly MipVariable[];
  readonly constraints: readonly MipConstraint[];
  readonly objective: MipObjective;
}

export interface VariableOptions {
  readonly lower?: number;
  readonly upper?: number;
  readonly kind?: VariableKind;
}

export class MipModelBuilder {
  private readonly variables: MipVariable[] = [];
  private readonly constraints: MipConstraint[] = [];
  private objective: MipObjective = { sense: 'minimize', terms: [], constant: 0 };

  constructor(private readonly name: string) {}

  get variableCount(): number {
    return this.variables.length;
  }

  addVariable(name: string, options: VariableOptions = {}): number {
    const kind = options.kind ?? 'continuous';
    // Integer bounds are rounded inward: the same feasible set, and HiGHS 1.15
    // (Wasm) has been seen to answer "infeasible" or return x = 2.5 for an
    // integer column bounded by 2.5.
    const integral = isIntegral(kind);
    const lower = integral ? Math.ceil(options.lower ?? 0) : (options.lower ?? 0);
    const upper = integral
      ? Math.floor(options.upper ?? (kind === 'binary' ? 1 : Infinity))
      : (options.upper ?? Infinity);
    if (Number.isNaN(lower) || Number.isNaN(upper) || lower > upper) {
      throw new RangeError(`variable ${name}: invalid bounds [${lower}, ${upper}]`);
    }
    if (kind === 'binary' && (lower < 0 || upper > 1)) {
      throw new RangeError(`variable ${name}: a binary must lie in [0, 1]`);
    }
    this.variables.push({ name, lower, upper, kind });
    return this.variables.length - 1;
  }

  addBinary(name: string): number {
    return this.addVariable(name, { kind: 'binary' });
  }

  addConstraint(name: string, terms: readonly LinearTerm[], lower: number, upper: number): void {
    if (Number.isNaN(lower) || Number.isNaN(upper) || lower > upper) {
      throw new RangeError(`constraint ${name}: invalid range [${lower}, ${upper}]`);
    }
    this.constraints.push({ name, terms: this.normalize(terms), lower, upper });
  }

  addLessOrEqual(name: string, terms: readonly LinearTerm[], upper: number): void {
    this.addConstraint(name, terms, -Infinity, upper);
  }

  addGreaterOrEqual(name: string, terms: readonly LinearTerm[], lower: number): void {
    this.addConstraint(name, terms, lower, Infinity);
  }

  addEqual(name: string, terms: readonly LinearTerm[], value: number): void {
    this.addConstraint(name, terms, value, value);
  }

  setObjective(sense: ObjectiveSense, terms: readonly LinearTerm[], constant = 0): void {
    this.objective = { sense, terms: this.normalize(terms), constant };
  }

  build(): MipModel {
    return {
      name: this.name,
      variables: [...this.variables],
      constraints: [...this.constraints],
      objective: this.objective,
    };
  }

  /**
   * Merges repeated variables and drops zero coefficients: LP-format writers and
   * javascript-lp-solver's JSON both key terms by variable, so a duplicate would
   * silently overwrite instead of add.
   */
  private normalize(terms: readonly LinearTerm[]): LinearTerm[] {
    const sums = new Map<number, number>();
    for (const term of terms) {
      if (
        !Number.isInteger(term.variable) ||
        term.variable < 0 ||
        term.variable >= this.variables.length
      ) {
        throw new RangeError(`unknown variable index ${term.variable}`);
      }
      if (!Number.isFinite(term.coefficient)) {
        throw new RangeError(
          `non-finite coefficient for ${this.variables[term.variable]?.name ?? '?'}`,
        );
      }
      sums.set(term.variable, (sums.get(term.variable) ?? 0) + term.coefficient);
    }
    const merged: LinearTerm[] = [];
    for (const [variable, coefficient] of sums) {
      if (coefficient !== 0) merged.push({ variable, coefficient });
    }
    return merged;
  }
}

/** The same model with every integrality requirement dropped: its optimum bounds the MIP's. */
export function relaxIntegrality(model: MipModel): MipModel {
  return {
    ...model,
    name: `${model.name}-relaxation`,
    variables: model.variables.map((variable) => ({ ...variable, kind: 'continuous' })),
  };
}

export function evaluateObjective(model: MipModel, values: ArrayLike<number>): number {
  let total = model.objective.constant;
  for (const term of model.objective.terms)
    total += term.coefficient * (values[term.variable] ?? NaN);
  return total;
}

export function isIntegral(kind: VariableKind): boolean {
  return kind !== 'continuous';
}
