import type { SeededRandom } from './seeded-random';

/**
 * The elite pool of the worker threads of one `solve`: a few good, mutually distinct plans in a SharedArrayBuffer.
 * (The class keeps its old name; it held a single best plan before, which every thread adopted every 100
 * iterations, so both threads searched around the same plan.)
 *
 * - `offer` admits a plan unless a member at least as cheap is *close* to it (broken-pairs distance below
 *   `CLOSE_DISTANCE`); a close costlier member is replaced by it, otherwise it fills a free slot or replaces the
 *   costliest member if cheaper. So every slot only ever gets cheaper, the pool's best never worsens, and no two
 *   members are the same plan.
 * - `exchange` is the search's hook: it publishes a run's new best and, when the run has not improved its own best
 *   for a while (stagnation), hands it a member chosen by binary tournament to continue from.
 *
 * Layout: Int32 header [lock, version, count, slots, vehicles, appointments, taskCount, 0], then `slots` slots of
 * Float64 cost, Int32 route lengths (one per vehicle), Int32 tasks (at most one per appointment). A spin lock guards
 * the pool; critical sections copy or compare at most slots × (V + A) integers.
 */
const HEADER_INTS = 8;
const HEADER_BYTES = 4 * HEADER_INTS;
/** Plans differing in fewer than this share of their adjacencies count as the same region of the search. */
export const CLOSE_DISTANCE = 0.1;
export const DEFAULT_ELITE_SLOTS = 4;
/** A run restarts from an elite member after this share of its expected iterations without a new best of its own… */
const STAGNATION_SHARE = 0.1;
/** …but never after fewer iterations than this. */
const MIN_STAGNATION = 250;

export interface ElitePlan {
  readonly cost: number;
  readonly routes: number[][];
}

export class SharedBest {
  private readonly control: Int32Array;
  private readonly slots: number;
  private readonly appointments: number;
  private readonly taskCount: number;
  private readonly slotBytes: number;
  private readonly costs: Float64Array[] = [];
  private readonly lengths: Int32Array[] = [];
  private readonly tasks: Int32Array[] = [];
  /** Scratch for the distance of an offered plan: its predecessor/successor per task, −2 when it does not serve it. */
  private readonly pred: Int32Array;
  private readonly succ: Int32Array;
  private lastOffered = Infinity;
  private lastImprovement = 0;
  private lastBestCost = Infinity;
  /** Restarts handed out by `exchange` (a figure for statistics and tests). */
  restarts = 0;

  /**
   * A pool for a problem with `vehicles` vehicles, `appointments` appointments (one task each at most per plan) and
   * `taskCount` tasks in all (task indices are below it).
   */
  static allocate(
    vehicles: number,
    appointments: number,
    taskCount = appointments,
    slots = DEFAULT_ELITE_SLOTS,
  ): SharedArrayBuffer {
    const slotBytes = slotSize(vehicles, appointments);
    const buffer = new SharedArrayBuffer(HEADER_BYTES + slots * slotBytes);
    new Int32Array(buffer, 0, HEADER_INTS).set([
      0,
      0,
      0,
      slots,
      vehicles,
      appointments,
      taskCount,
      0,
    ]);
    return buffer;
  }

  constructor(
    buffer: SharedArrayBuffer,
    private readonly vehicles: number,
  ) {
    this.control = new Int32Array(buffer, 0, HEADER_INTS);
    this.slots = this.control[3];
    this.appointments = this.control[5];
    this.taskCount = this.control[6];
    if (this.control[4] !== vehicles)
      throw new RangeError(`elite pool for ${this.control[4]} vehicles, not ${vehicles}`);
    this.slotBytes = slotSize(vehicles, this.appointments);
    for (let s = 0; s < this.slots; s++) {
      const at = HEADER_BYTES + s * this.slotBytes;
      this.costs.push(new Float64Array(buffer, at, 1));
      this.lengths.push(new Int32Array(buffer, at + 8, vehicles));
      this.tasks.push(new Int32Array(buffer, at + 8 + 4 * vehicles, this.appointments));
    }
    this.pred = new Int32Array(this.taskCount);
    this.succ = new Int32Array(this.taskCount);
  }

  /** Number of plans in the pool. */
  get size(): number {
    return Atomics.load(this.control, 2);
  }

  /** Admits `routes` under the pool's rules (see the class); returns whether it did. */
  offer(cost: number, routes: readonly (readonly number[])[]): boolean {
    if (!Number.isFinite(cost)) return false;
    this.lock();
    try {
      const count = this.control[2];
      let served = 0;
      this.pred.fill(-2);
      for (const route of routes) {
        for (let i = 0; i < route.length; i++) {
          this.pred[route[i]] = i > 0 ? route[i - 1] : -1;
          this.succ[route[i]] = i + 1 < route.length ? route[i + 1] : -1;
        }
        served += route.length;
      }
      let closest = -1;
      let closestDistance = Infinity;
      let worst = -1;
      for (let s = 0; s < count; s++) {
        const d = this.distanceToSlot(s, served);
        if (d < CLOSE_DISTANCE) {
          if (this.costs[s][0] <= cost + 1e-9) return false;
          if (d < closestDistance) {
            closest = s;
            closestDistance = d;
          }
        }
        if (worst < 0 || this.costs[s][0] > this.costs[worst][0]) worst = s;
      }
      let slot: number;
      if (closest >= 0) slot = closest;
      else if (count < this.slots) slot = count;
      else if (cost < this.costs[worst][0] - 1e-9) slot = worst;
      else return false;
      this.write(slot, cost, routes);
      if (slot === count) this.control[2] = count + 1;
      Atomics.add(this.control, 1, 1);
      return true;
    } finally {
      Atomics.store(this.control, 0, 0);
    }
  }

  /** Copies of the pool's plans, cheapest first. */
  members(): ElitePlan[] {
    this.lock();
    try {
      const out: ElitePlan[] = [];
      for (let s = 0; s < this.control[2]; s++) out.push(this.read(s));
      return out.sort((a, b) => a.cost - b.cost);
    } finally {
      Atomics.store(this.control, 0, 0);
    }
  }

  /** A copy of the pool's cheapest plan when it costs less than `cost`, else null. */
  takeIfBetter(cost: number): ElitePlan | null {
    const best = this.members().at(0);
    return best !== undefined && best.cost < cost ? best : null;
  }

  /** A member chosen by binary tournament (the cheaper of two drawn at random), or null when the pool is empty. */
  pick(random: SeededRandom): ElitePlan | null {
    this.lock();
    try {
      const count = this.control[2];
      if (count === 0) return null;
      const a = random.nextInt(count);
      const b = random.nextInt(count);
      return this.read(this.costs[a][0] <= this.costs[b][0] ? a : b);
    } finally {
      Atomics.store(this.control, 0, 0);
    }
  }

  /**
   * The search's hook, called after every iteration: publishes a new best of the run, and after a stagnation
   * (no new best of its own for max(`MIN_STAGNATION`, 10 % of the run's expected iterations)) returns an elite
   * member to continue from; null otherwise. `progress` is the run's share of its budget used, in (0, 1].
   */
  exchange(
    iteration: number,
    progress: number,
    bestCost: number,
    best: readonly (readonly number[])[],
    random: SeededRandom,
  ): number[][] | null {
    if (bestCost < this.lastBestCost - 1e-9) {
      this.lastBestCost = bestCost;
      this.lastImprovement = iteration;
      if (bestCost < this.lastOffered - 1e-9 && this.offer(bestCost, best))
        this.lastOffered = bestCost;
    }
    const expected = progress > 0 ? iteration / progress : Infinity;
    const window = Math.max(MIN_STAGNATION, STAGNATION_SHARE * expected);
    if (iteration - this.lastImprovement < window) return null;
    this.lastImprovement = iteration;
    const member = this.pick(random);
    if (member === null) return null;
    this.restarts++;
    return member.routes;
  }

  private distanceToSlot(slot: number, served: number): number {
    const lengths = this.lengths[slot];
    const tasks = this.tasks[slot];
    let differing = 0;
    let shared = 0;
    let at = 0;
    let memberServed = 0;
    for (let v = 0; v < this.vehicles; v++) {
      const n = lengths[v];
      for (let i = 0; i < n; i++) {
        const t = tasks[at + i];
        if (this.pred[t] === -2) {
          differing += 2;
          continue;
        }
        shared++;
        if (this.pred[t] !== (i > 0 ? tasks[at + i - 1] : -1)) differing++;
        if (this.succ[t] !== (i + 1 < n ? tasks[at + i + 1] : -1)) differing++;
      }
      at += n;
      memberServed += n;
    }
    differing += 2 * (served - shared);
    return differing / (2 * Math.max(1, served, memberServed));
  }

  private write(slot: number, cost: number, routes: readonly (readonly number[])[]): void {
    let at = 0;
    for (let v = 0; v < this.vehicles; v++) {
      this.lengths[slot][v] = routes[v].length;
      this.tasks[slot].set(routes[v], at);
      at += routes[v].length;
    }
    this.costs[slot][0] = cost;
  }

  private read(slot: number): ElitePlan {
    const routes: number[][] = [];
    let at = 0;
    for (let v = 0; v < this.vehicles; v++) {
      const n = this.lengths[slot][v];
      routes.push(Array.from(this.tasks[slot].subarray(at, at + n)));
      at += n;
    }
    return { cost: this.costs[slot][0], routes };
  }

  private lock(): void {
    while (Atomics.compareExchange(this.control, 0, 0, 1) !== 0) {
      // Another thread copies or compares at most slots × (V + A) integers; spin.
    }
  }
}

function slotSize(vehicles: number, appointments: number): number {
  return 8 * Math.ceil((8 + 4 * (vehicles + appointments)) / 8);
}
