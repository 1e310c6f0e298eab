import type { RoutePlan } from './route-plan';
import type { SeededRandom } from './seeded-random';

/** Removal operators of the ruin step. Each returns the appointments it removed; pinned visits are never removed. */
export type RuinOperator = (plan: RoutePlan, random: SeededRandom, size: number) => number[];

function removable(plan: RoutePlan, a: number): boolean {
  return plan.vehicleOf[a] >= 0 && plan.ctx.compiled.appointmentPinnedProvider[a] < 0;
}

function servedAppointments(plan: RoutePlan): number[] {
  const served: number[] = [];
  for (const a of plan.ctx.servableAppointments) if (removable(plan, a)) served.push(a);
  return served;
}

export const randomRemoval: RuinOperator = (plan, random, size) => {
  const served = random.shuffle(servedAppointments(plan));
  const removed = served.slice(0, size);
  for (const a of removed) plan.remove(a);
  return removed;
};

/** Removes the visits whose detours cost most, randomized towards the worst (Ropke & Pisinger's p = 3). */
export const worstRemoval: RuinOperator = (plan, random, size) => {
  const served = servedAppointments(plan);
  const saving = new Float64Array(plan.ctx.A);
  for (const a of served) saving[a] = plan.removalSaving(a);
  served.sort((x, y) => saving[y] - saving[x]);
  const removed: number[] = [];
  while (removed.length < size && served.length > 0) {
    const index = Math.floor(random.next() ** 3 * served.length);
    const [a] = served.splice(index, 1);
    plan.remove(a);
    removed.push(a);
  }
  return removed;
};

/** Removes a seed visit and its nearest served neighbours (Shaw-style relatedness by travel). */
export const relatedRemoval: RuinOperator = (plan, random, size) => {
  const served = servedAppointments(plan);
  if (served.length === 0) return [];
  const seed = served[random.nextInt(served.length)];
  const removed: number[] = [];
  for (const a of plan.ctx.neighbors[seed]) {
    if (removed.length >= size) break;
    if (removable(plan, a)) removed.push(a);
  }
  for (const a of removed) plan.remove(a);
  return removed;
};

/**
 * SISR string removal (Christiaens & Vanden Berghe 2020): around a random seed, cut one string — or a split string
 * that keeps a middle part — out of each of a few nearby routes. Removing whole spatial slices lets the recreate step
 * rebuild route boundaries, which single-visit moves cannot. `size` plays the role of c̄ (average removed visits).
 */
export const stringRemoval: RuinOperator = (plan, random, size) => {
  const maxStringLength = 10;
  let used = 0;
  let served = 0;
  for (const route of plan.routes) {
    if (route.tasks.length > 0) {
      used++;
      served += route.tasks.length;
    }
  }
  if (used === 0) return [];
  const lsMax = Math.min(maxStringLength, served / used);
  const ksMax = (4 * size) / (1 + lsMax) - 1;
  const stringCount = Math.floor(random.next() * ksMax) + 1;
  const servedList = servedAppointments(plan);
  if (servedList.length === 0) return [];
  const seed = servedList[random.nextInt(servedList.length)];
  const ruined = new Set<number>();
  const removed: number[] = [];
  for (const a of plan.ctx.neighbors[seed]) {
    if (ruined.size >= stringCount) break;
    const v = plan.vehicleOf[a];
    if (v < 0 || ruined.has(v) || !removable(plan, a)) continue;
    const tasks = plan.routes[v].tasks;
    const length = Math.floor(random.next() * Math.min(tasks.length, lsMax)) + 1;
    const at = plan.positionOf[a] - 1;
    const taken =
      random.next() < 0.5
        ? cutString(tasks.length, at, length, random)
        : cutSplitString(tasks.length, at, length, random);
    const victims = taken
      .map((i) => plan.ctx.compiled.taskAppointment[tasks[i]])
      .filter((x) => removable(plan, x));
    for (const x of victims) plan.remove(x);
    removed.push(...victims);
    ruined.add(v);
  }
  return removed;
};

function cutString(
  routeLength: number,
  at: number,
  length: number,
  random: SeededRandom,
): number[] {
  const first =
    Math.max(0, at - length + 1) +
    random.nextInt(Math.min(at, routeLength - length) - Math.max(0, at - length + 1) + 1);
  return Array.from({ length }, (_, i) => first + i);
}

function cutSplitString(
  routeLength: number,
  at: number,
  length: number,
  random: SeededRandom,
): number[] {
  let kept = 1;
  // Grow the preserved part with small probability each step (β = 0.01 in the paper, here 0.1 for short strings).
  while (length + kept < routeLength && random.next() < 0.1) kept++;
  if (length + kept > routeLength) return cutString(routeLength, at, length, random);
  const span = length + kept;
  const lo = Math.max(0, at - span + 1);
  const hi = Math.min(at, routeLength - span);
  const first = lo + random.nextInt(hi - lo + 1);
  const keepFrom = first + random.nextInt(length + 1);
  const taken: number[] = [];
  for (let i = first; i < first + span; i++)
    if (i < keepFrom || i >= keepFrom + kept) taken.push(i);
  return taken;
}
