import type { RoutePlan } from './route-plan';
import type { SeededRandom } from './seeded-random';

/** Up to this many unserved visits, all of them are re-offered on every recreate (exact SISR behaviour). */
const REOFFER_ALL_LIMIT = 100;
/** Neighbours of each removed visit whose unserved status makes them worth re-offering. */
const NEARBY_COUNT = 16;
/** Unserved visits from anywhere, so coverage keeps being retried across the whole plan. */
const RANDOM_SAMPLE = 16;

/**
 * Chooses the visits a recreate step tries to insert: the ones just removed plus the unserved ones. In an
 * over-subscribed plan (thousands unserved) offering every unserved visit made one iteration cost a full
 * construction; a visit that did not fit before can mostly fit only where the ruin freed room, i.e. near the
 * removed visits, so those are offered together with a small random sample of the rest.
 */
export class RecreateCandidates {
  private readonly stamp: Int32Array;
  private round = 0;

  constructor(appointmentCount: number) {
    this.stamp = new Int32Array(appointmentCount);
  }

  select(plan: RoutePlan, removed: readonly number[], random: SeededRandom): number[] {
    const unserved: number[] = [];
    for (const a of plan.ctx.servableAppointments) if (plan.vehicleOf[a] < 0) unserved.push(a);
    if (unserved.length - removed.length <= REOFFER_ALL_LIMIT) return unserved;
    this.round++;
    const chosen: number[] = [];
    const offer = (a: number) => {
      if (plan.vehicleOf[a] < 0 && this.stamp[a] !== this.round) {
        this.stamp[a] = this.round;
        chosen.push(a);
      }
    };
    for (const a of removed) offer(a);
    for (const a of removed) {
      const near = plan.ctx.neighbors[a];
      for (let k = 0; k < Math.min(NEARBY_COUNT, near.length); k++) offer(near[k]);
    }
    for (let k = 0; k < RANDOM_SAMPLE; k++) offer(unserved[random.nextInt(unserved.length)]);
    return chosen;
  }
}
