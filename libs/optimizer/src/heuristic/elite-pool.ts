import type { SeededRandom } from './seeded-random';

/** One remembered plan: its scalar cost and task ids per vehicle (as `RoutePlan.snapshot` gives them). */
export interface ElitePlan {
  readonly cost: number;
  readonly routes: readonly (readonly number[])[];
}

/**
 * The best distinct plans the search has accepted, kept for the route-transplant ruin (an SREX-style crossover of
 * the current plan with one of them). Plans are told apart by cost (within `epsilon`): two plans of equal cost are
 * almost always the same plan, and one copy is enough. Bounded; the worst plan leaves when a better one arrives.
 */
export class ElitePool {
  private readonly entries: ElitePlan[] = [];

  constructor(
    readonly capacity: number,
    private readonly epsilon: number,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  /** Whether a plan of this cost would enter the pool (so the caller only snapshots when it would). */
  admits(cost: number): boolean {
    if (this.capacity <= 0) return false;
    for (const e of this.entries) if (Math.abs(e.cost - cost) <= this.epsilon) return false;
    return this.entries.length < this.capacity || cost < this.entries[this.entries.length - 1].cost;
  }

  /** Adds the plan if `admits(cost)`; returns whether it did. Entries stay sorted by cost, best first. */
  offer(cost: number, routes: readonly (readonly number[])[]): boolean {
    if (!this.admits(cost)) return false;
    let at = this.entries.length;
    while (at > 0 && this.entries[at - 1].cost > cost) at--;
    this.entries.splice(at, 0, { cost, routes });
    if (this.entries.length > this.capacity) this.entries.pop();
    return true;
  }

  /** A uniformly random plan of the pool, or undefined when it is empty. */
  pick(random: SeededRandom): ElitePlan | undefined {
    return this.entries.length === 0
      ? undefined
      : this.entries[random.nextInt(this.entries.length)];
  }

  costs(): number[] {
    return this.entries.map((e) => e.cost);
  }
}
