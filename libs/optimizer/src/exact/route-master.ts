import type { Highs } from 'highs';

/** A column of the restricted master: one shift's day (or a relaxed stand-in for one). */
export interface MasterColumn {
  readonly shift: number;
  /** Appointments on the column; one listed twice counts twice. */
  readonly appointments: readonly number[];
  readonly cost: number;
  readonly priority: number;
  /** Compiled tasks in visiting order, when the column is a real day that can become a route. */
  readonly tasks?: readonly number[];
}

export interface MasterShape {
  readonly shiftCount: number;
  readonly appointmentCount: number;
  readonly level: 'served' | 'cost';
  readonly servedFloor: number;
  readonly shortfallCost: number;
}

/**
 * Restricted master LP: min Σ cost·z over the chains so far, ≤ 1 chain per
 * shift, each appointment ≤ once and (cost level) served priority ≥ F with a
 * costly slack so the master is feasible from the first iteration. Kept alive
 * across iterations: new chains are appended as columns and HiGHS re-solves
 * from the previous basis (rebuilding it each time cost ~15 ms an iteration).
 * Duals are projected onto λ ≥ 0, μ ≥ 0: any such point gives a valid bound;
 * the projection only guards against round-off signs.
 */
export interface MasterDuals {
  readonly lambda: Float64Array;
  readonly mu: number;
  readonly convexity: Float64Array;
}

/** Columns that keep the master's duals in a box around a centre: their first index and count. */
interface DualBoxColumns {
  readonly first: number;
  readonly count: number;
}

export class MasterLp {
  private readonly instance: ReturnType<Highs['createModel']>;
  private readonly floorRow: number;
  private readonly infinity: number;
  private columnCount = 1;
  private box: DualBoxColumns | undefined;
  private penaltiesInUse = false;

  constructor(
    highs: Highs,
    private readonly shape: MasterShape,
  ) {
    const withFloor = shape.level === 'cost';
    this.infinity = highs.infinity;
    this.floorRow = shape.shiftCount + shape.appointmentCount;
    const numRows = this.floorRow + (withFloor ? 1 : 0);
    const rowLower = new Float64Array(numRows).fill(-highs.infinity);
    const rowUpper = new Float64Array(numRows).fill(1);
    if (withFloor) {
      rowLower[this.floorRow] = shape.servedFloor;
      rowUpper[this.floorRow] = highs.infinity;
    }
    // One column from the start (HiGHS wants a non-empty model): the floor's slack, or an idle column.
    // Its cost must exceed the true price of priority, or the LP settles on the slack (valid but weak).
    this.instance = highs.createModel({
      numCols: 1,
      numRows,
      sense: highs.constants.objectiveSense.minimize,
      colCost: [withFloor ? shape.shortfallCost : 0],
      colLower: [0],
      colUpper: [highs.infinity],
      rowLower,
      rowUpper,
      matrix: {
        format: 'csc',
        numRows,
        numCols: 1,
        starts: Int32Array.from([0, withFloor ? 1 : 0]),
        indices: Int32Array.from(withFloor ? [this.floorRow] : []),
        values: Float64Array.from(withFloor ? [1] : []),
      },
    });
    this.instance.options.set({ output_flag: false });
  }

  add(column: MasterColumn): void {
    // An ng-route may visit an appointment twice: its coefficient is the count, as in the pricing.
    const visits = new Map<number, number>();
    for (const a of column.appointments) visits.set(a, (visits.get(a) ?? 0) + 1);
    const indices = [column.shift, ...[...visits.keys()].map((a) => this.shape.shiftCount + a)];
    const values = [1, ...visits.values()];
    if (this.shape.level === 'cost') {
      indices.push(this.floorRow);
      values.push(column.priority);
    }
    // Rows in increasing order with no repeats, as HiGHS requires.
    const order = indices
      .map((_, position) => position)
      .sort((a, b) => (indices[a] ?? 0) - (indices[b] ?? 0));
    this.instance.addCol(column.cost, 0, this.infinity, {
      indices: Int32Array.from(order, (position) => indices[position] ?? 0),
      values: Float64Array.from(order, (position) => values[position] ?? 0),
    });
    this.columnCount += 1;
  }

  /**
   * Box-step stabilisation: the duals are kept within λ_a ∈ [λc_a − w_a, λc_a + w_a] and
   * μ ∈ [μc − w_μ, μc + w_μ] (and ≥ 0) by penalty columns — a visit covered more than once at λc_a + w_a,
   * left uncovered for a reward of λc_a − w_a, priority bought at μc + w_μ or given up for μc − w_μ. The
   * master's value is then that of a penalised LP; `boxActive` tells whether any penalty is in use
   * (when none is, the duals are the true master's).
   */
  setDualBox(lambda: Float64Array, lambdaWidth: Float64Array, mu: number, muWidth: number): void {
    const { shiftCount, appointmentCount } = this.shape;
    const withFloor = this.shape.level === 'cost';
    if (this.box === undefined) {
      const first = this.columnCount;
      for (let a = 0; a < appointmentCount; a += 1) {
        for (const sign of [-1, 1]) {
          this.instance.addCol(0, 0, this.infinity, {
            indices: Int32Array.from([shiftCount + a]),
            values: Float64Array.from([sign]),
          });
        }
      }
      if (withFloor)
        for (const sign of [1, -1])
          this.instance.addCol(0, 0, this.infinity, {
            indices: Int32Array.from([this.floorRow]),
            values: Float64Array.from([sign]),
          });
      this.box = { first, count: 2 * appointmentCount + (withFloor ? 2 : 0) };
      this.columnCount += this.box.count;
    }
    const costs = new Float64Array(this.box.count);
    for (let a = 0; a < appointmentCount; a += 1) {
      costs[2 * a] = (lambda[a] ?? 0) + (lambdaWidth[a] ?? 0);
      costs[2 * a + 1] = -Math.max(0, (lambda[a] ?? 0) - (lambdaWidth[a] ?? 0));
    }
    if (withFloor) {
      costs[2 * appointmentCount] = mu + muWidth;
      costs[2 * appointmentCount + 1] = -Math.max(0, mu - muWidth);
    }
    this.instance.changeColsCost(
      { kind: 'range', from: this.box.first, to: this.box.first + this.box.count - 1 },
      costs,
    );
  }

  /** Whether the last solve used any of the dual box's penalty columns. */
  boxActive(): boolean {
    return this.penaltiesInUse;
  }

  duals(): MasterDuals {
    const { shiftCount, appointmentCount } = this.shape;
    this.instance.run();
    const { rowDual, colValue } = this.instance.getSolution();
    this.penaltiesInUse = false;
    if (this.box !== undefined)
      for (let index = this.box.first; index < this.box.first + this.box.count; index += 1)
        if ((colValue[index] ?? 0) > 1e-9) this.penaltiesInUse = true;
    const lambda = new Float64Array(appointmentCount);
    for (let appointment = 0; appointment < appointmentCount; appointment += 1)
      lambda[appointment] = Math.max(0, -(rowDual[shiftCount + appointment] ?? 0));
    const convexity = new Float64Array(shiftCount);
    for (let shift = 0; shift < shiftCount; shift += 1)
      convexity[shift] = Math.min(0, rowDual[shift] ?? 0);
    const mu = this.shape.level === 'cost' ? Math.max(0, rowDual[this.floorRow] ?? 0) : 0;
    return { lambda, mu, convexity };
  }

  dispose(): void {
    this.instance.dispose();
  }
}
