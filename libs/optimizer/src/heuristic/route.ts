/**
 * One vehicle's (provider shift's) sequence of tasks plus cached prefix/suffix time-window data.
 *
 * Positions: 0 = start location, 1..n = tasks, n + 1 = end location. `fwd*[p]` describes the sequence 0..p and
 * `bwd*[p]` the sequence p..n+1 in the concatenation form of Vidal et al. (2013): minimum duration D (travel +
 * service + unavoidable waiting), earliest E and latest L start of the sequence's first element. Feasible routes
 * have no time warp, so it is not stored. This makes insertion checks O(1).
 */
export class Route {
  tasks: number[] = [];
  fwdD: number[] = [];
  fwdE: number[] = [];
  fwdL: number[] = [];
  bwdD: number[] = [];
  bwdE: number[] = [];
  bwdL: number[] = [];
  /** Prefix sums over positions 0..p: arc cost (before the vehicle's travel weight), load, assignment penalty. */
  fwdArc: number[] = [];
  fwdLoad: number[] = [];
  fwdPenalty: number[] = [];
  load = 0;
  travelCost = 0;
  duration = 0;
  overtimeCost = 0;
  penalty = 0;
  cost = 0;

  clone(): Route {
    const copy = new Route();
    copy.tasks = this.tasks.slice();
    copy.fwdD = this.fwdD.slice();
    copy.fwdE = this.fwdE.slice();
    copy.fwdL = this.fwdL.slice();
    copy.bwdD = this.bwdD.slice();
    copy.bwdE = this.bwdE.slice();
    copy.bwdL = this.bwdL.slice();
    copy.fwdArc = this.fwdArc.slice();
    copy.fwdLoad = this.fwdLoad.slice();
    copy.fwdPenalty = this.fwdPenalty.slice();
    copy.load = this.load;
    copy.travelCost = this.travelCost;
    copy.duration = this.duration;
    copy.overtimeCost = this.overtimeCost;
    copy.penalty = this.penalty;
    copy.cost = this.cost;
    return copy;
  }
}
