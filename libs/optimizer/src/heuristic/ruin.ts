import { TailExchangeMoves } from './local-search/tail-exchange';

import type { ElitePool } from './elite-pool';
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
  const servedList = servedAppointments(plan);
  if (servedList.length === 0) return [];
  return stringRemovalAround(plan, random, size, servedList[random.nextInt(servedList.length)]);
};

function stringRemovalAround(
  plan: RoutePlan,
  random: SeededRandom,
  size: number,
  seed: number,
): number[] {
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
}

/**
 * Route-closing ruin: empties one route (shorter routes more likely, probability ∝ 1/length) and cuts SISR strings
 * around one of its visits from the routes nearby, so the recreate must fit the whole route elsewhere. Otherwise a
 * route closes only by chance: the local search moves at most two visits between routes, and a SISR string covers a
 * whole route only when that route is short (≤ 10 visits) and the drawn string happens to span it. So a plan tended
 * to keep a surplus route the construction or a route-opening step gave it. A failed attempt leaves visits unserved,
 * which the acceptance rejects; pinned visits stay.
 */
export const routeRemoval: RuinOperator = (plan, random, size) => {
  const ctx = plan.ctx;
  let total = 0;
  for (let v = 0; v < ctx.V; v++) {
    const n = plan.routes[v].tasks.length;
    if (n > 0) total += 1 / n;
  }
  if (total === 0) return [];
  let r = random.next() * total;
  let chosen = -1;
  for (let v = 0; v < ctx.V && r > 0; v++) {
    const n = plan.routes[v].tasks.length;
    if (n === 0) continue;
    chosen = v;
    r -= 1 / n;
  }
  const tasks = plan.routes[chosen].tasks;
  const victims = tasks
    .map((t) => ctx.compiled.taskAppointment[t])
    .filter((a) => removable(plan, a));
  if (victims.length === 0) return stringRemoval(plan, random, size);
  const seed = victims[random.nextInt(victims.length)];
  for (const a of victims) plan.remove(a);
  const around = stringRemovalAround(plan, random, Math.max(1, Math.ceil(size / 2)), seed);
  return victims.concat(around);
};

/** Routes of the elite plan copied into the current one by one transplant (the seed's route and neighbours'). */
const TRANSPLANT_ROUTES = 2;

/**
 * Route-transplant ruin, an SREX-style crossover (Nagata & Kobayashi) of the current plan with an elite plan: around
 * a random seed visit, up to `TRANSPLANT_ROUTES` routes of the elite plan (the seed's and a near neighbour's) replace
 * whatever the current plan has on those vehicles. Their visits are first taken out wherever they are, the vehicles'
 * current visits too; the elite routes are then rebuilt on the same vehicles in the same order, so they are feasible
 * exactly as they were in the elite plan (every route-level rule — shift, windows, working time, capacity, visits,
 * clinic blocks — depends only on the vehicle and its visits). The displaced visits not in a copied route are returned
 * for the recreate. Falls back to string removal without an elite plan, or when a pinned visit would have to move.
 */
export function transplantRemoval(pool: ElitePool): RuinOperator {
  return (plan, random, size) => {
    const ctx = plan.ctx;
    const taskAppointment = ctx.compiled.taskAppointment;
    const pinned = ctx.compiled.appointmentPinnedProvider;
    const elite = pool.pick(random);
    const served = servedAppointments(plan);
    if (!elite || served.length === 0) return stringRemoval(plan, random, size);
    const eliteVehicle = new Int32Array(ctx.A).fill(-1);
    elite.routes.forEach((tasks, v) => {
      for (const t of tasks) eliteVehicle[taskAppointment[t]] = v;
    });
    const seed = served[random.nextInt(served.length)];
    const vehicles: number[] = [];
    if (eliteVehicle[seed] >= 0) vehicles.push(eliteVehicle[seed]);
    for (const a of ctx.neighbors[seed]) {
      if (vehicles.length >= TRANSPLANT_ROUTES) break;
      const v = eliteVehicle[a];
      if (v >= 0 && !vehicles.includes(v)) vehicles.push(v);
    }
    if (vehicles.length === 0) return stringRemoval(plan, random, size);
    const out: number[] = [];
    for (const v of vehicles) {
      for (const t of elite.routes[v]) out.push(taskAppointment[t]);
      for (const t of plan.routes[v].tasks) out.push(taskAppointment[t]);
    }
    for (const a of out)
      if (pinned[a] >= 0 && plan.vehicleOf[a] >= 0) return stringRemoval(plan, random, size);
    const removed: number[] = [];
    for (const a of out) {
      if (plan.vehicleOf[a] < 0) continue;
      plan.remove(a);
      removed.push(a);
    }
    const copied = new Uint8Array(ctx.A);
    for (const v of vehicles) {
      const tasks = elite.routes[v];
      for (let i = 0; i < tasks.length; i++) {
        plan.insert(v, i + 1, tasks[i]);
        copied[taskAppointment[tasks[i]]] = 1;
      }
    }
    return removed.filter((a) => copied[a] === 0);
  };
}

const splitMoves = new WeakMap<RoutePlan, TailExchangeMoves>();
/** Routes shorter than this are never split. */
const MIN_SPLIT_ROUTE = 4;
/** Cut points tried before giving up on a route whose tail no empty vehicle can take. */
const SPLIT_ATTEMPTS = 4;

/**
 * Route-opening ruin: a random route's tail (from a random cut) moves to an empty vehicle, then SISR strings are
 * removed around the cut. With distance as the objective an extra route often pays, but no single insertion or
 * neighbour move opens one: the first visit of a new route pays both depot legs alone, so greedy recreate and the
 * local search keep the route count they start with. Here the new route exists before the recreate, which can fill
 * it, and the annealing acceptance judges the whole step. Falls back to plain string removal when nothing fits.
 */
export const splitRemoval: RuinOperator = (plan, random, size) => {
  const ctx = plan.ctx;
  let moves = splitMoves.get(plan);
  if (!moves) {
    moves = new TailExchangeMoves(plan);
    splitMoves.set(plan, moves);
  }
  const long: number[] = [];
  let empty = -1;
  for (let v = 0; v < ctx.V; v++) {
    const n = plan.routes[v].tasks.length;
    if (n >= MIN_SPLIT_ROUTE) long.push(v);
    else if (n === 0 && empty < 0) empty = v;
  }
  if (long.length === 0 || empty < 0) return stringRemoval(plan, random, size);
  const v = long[random.nextInt(long.length)];
  // Prefer an empty vehicle interchangeable with v: its cached suffix data applies and the tail stays feasible.
  for (let e = 0; e < ctx.V; e++) {
    if (plan.routes[e].tasks.length === 0 && ctx.vehicleClass[e] === ctx.vehicleClass[v]) {
      empty = e;
      break;
    }
  }
  const n = plan.routes[v].tasks.length;
  const move = { v1: v, cut1: 0, v2: empty, cut2: 0 };
  for (let attempt = 0; attempt < SPLIT_ATTEMPTS; attempt++) {
    move.cut1 = 1 + random.nextInt(n - 1);
    if (moves.evaluate(move, Infinity) === Infinity) continue;
    const seed = ctx.compiled.taskAppointment[plan.routes[v].tasks[move.cut1]];
    moves.apply(move);
    return removable(plan, seed)
      ? stringRemovalAround(plan, random, size, seed)
      : stringRemoval(plan, random, size);
  }
  return stringRemoval(plan, random, size);
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
