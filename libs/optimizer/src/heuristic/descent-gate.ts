/**
 * Decides whether the local search after a recreate is worth running. The descent is ~60 % of an ALNS step's CPU
 * time, and late in a run most recreated plans are rejected anyway: if a plan already lies further above the
 * acceptance threshold than any recent descent has gained, the descent cannot bring it under, so the step is
 * rejected without it. Gains are measured, not assumed, so the gate adapts to the instance and its units; until
 * `window` descents have been seen it never skips.
 */
export class DescentGate {
  private readonly gains: Float64Array;
  private count = 0;

  /**
   * @param window number of most recent descents whose largest gain is the bound
   * @param margin skip only when the excess is more than `margin` times that largest gain (1 = exactly it)
   */
  constructor(
    private readonly window: number,
    private readonly margin: number,
  ) {
    this.gains = new Float64Array(Math.max(1, window));
  }

  /** Records how much one descent lowered the cost. */
  record(gain: number): void {
    this.gains[this.count++ % this.gains.length] = gain;
  }

  /** Whether a plan `excess` above the acceptance threshold should skip the descent (and be rejected). */
  shouldSkip(excess: number): boolean {
    if (this.count < this.window || !(excess > 0)) return false;
    let largest = 0;
    for (let k = 0; k < this.gains.length; k++)
      if (this.gains[k] > largest) largest = this.gains[k];
    return excess > this.margin * largest;
  }
}
