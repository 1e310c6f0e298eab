/**
 * The best plan found so far by any of the worker threads of one `solve`, in a SharedArrayBuffer. Workers publish
 * their best when it beats the shared one and adopt the shared one when it beats theirs, so two threads on two cores
 * search around the better plan instead of running two independent searches of which one is wasted.
 *
 * Layout: Int32 [lock, version], Float64 cost, Int32 route lengths (one per vehicle), then the tasks of every route.
 * A spin lock guards both copies; the critical sections copy at most V + A integers.
 */
const HEADER_BYTES = 16;

export class SharedBest {
  private readonly control: Int32Array;
  private readonly cost: Float64Array;
  private readonly lengths: Int32Array;
  private readonly tasks: Int32Array;

  /** A buffer for a problem with `vehicles` vehicles and `appointments` appointments (one task each at most). */
  static allocate(vehicles: number, appointments: number): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(HEADER_BYTES + 8 + 4 * (vehicles + appointments));
    new Float64Array(buffer, HEADER_BYTES, 1)[0] = Infinity;
    return buffer;
  }

  constructor(
    buffer: SharedArrayBuffer,
    private readonly vehicles: number,
  ) {
    this.control = new Int32Array(buffer, 0, 2);
    this.cost = new Float64Array(buffer, HEADER_BYTES, 1);
    this.lengths = new Int32Array(buffer, HEADER_BYTES + 8, vehicles);
    this.tasks = new Int32Array(buffer, HEADER_BYTES + 8 + 4 * vehicles);
  }

  /** Publishes `routes` if `cost` beats the shared plan; returns whether it did. */
  offer(cost: number, routes: readonly (readonly number[])[]): boolean {
    if (!(cost < this.cost[0])) return false;
    this.lock();
    try {
      if (!(cost < this.cost[0])) return false;
      let at = 0;
      for (let v = 0; v < this.vehicles; v++) {
        this.lengths[v] = routes[v].length;
        this.tasks.set(routes[v], at);
        at += routes[v].length;
      }
      this.cost[0] = cost;
      Atomics.add(this.control, 1, 1);
      return true;
    } finally {
      Atomics.store(this.control, 0, 0);
    }
  }

  /** A copy of the shared plan when its cost is below `cost`, else null. */
  takeIfBetter(cost: number): { cost: number; routes: number[][] } | null {
    if (!(this.cost[0] < cost)) return null;
    this.lock();
    try {
      const shared = this.cost[0];
      if (!(shared < cost)) return null;
      const routes: number[][] = [];
      let at = 0;
      for (let v = 0; v < this.vehicles; v++) {
        routes.push(Array.from(this.tasks.subarray(at, at + this.lengths[v])));
        at += this.lengths[v];
      }
      return { cost: shared, routes };
    } finally {
      Atomics.store(this.control, 0, 0);
    }
  }

  private lock(): void {
    while (Atomics.compareExchange(this.control, 0, 0, 1) !== 0) {
      // Another thread copies at most V + A integers; spin.
    }
  }
}
