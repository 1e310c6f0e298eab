import type { SeededRandom } from '../heuristic';
import type { RoutePlan } from '../heuristic/route-plan';

/**
 * Removal steps of the re-planning search. Unlike the full solver's ruins they never pick visits at random across the
 * whole plan: every removal is anchored on a visit the change affected, so untouched routes stay untouched unless a
 * better coverage needs them. Pinned visits are never removed. Each returns the appointments it removed.
 */

/**
 * Ejection for an unserved visit: in one shift that may serve it, remove the 1–3 visits closest to it in time, so the
 * recreate step can put it there and re-home (or drop, if that serves more priority) what was in the way.
 */
export function ejectForUnserved(
  plan: RoutePlan,
  random: SeededRandom,
  unserved: readonly number[],
): number[] {
  const ctx = plan.ctx;
  const c = ctx.compiled;
  const u = pickByPriority(plan, random, unserved);
  const candidates: number[] = [];
  for (let v = 0; v < ctx.V; v++)
    if (c.eligible[v * ctx.A + u] === 1 && plan.routes[v].tasks.length > 0) candidates.push(v);
  if (candidates.length === 0) return [];
  const v = candidates[random.nextInt(candidates.length)];
  let lo = Infinity;
  let hi = -Infinity;
  for (let t = c.appointmentFirstTask[u]; t < c.appointmentFirstTask[u + 1]; t++) {
    lo = Math.min(lo, ctx.taskReady[t]);
    hi = Math.max(hi, ctx.taskDue[t] + ctx.taskService[t]);
  }
  const starts = earliestStarts(plan, v);
  const tasks = plan.routes[v].tasks;
  const gap = (i: number) => {
    const start = starts[i];
    const end = start + ctx.taskService[tasks[i]];
    return Math.max(0, lo - end, start - hi);
  };
  const order = tasks
    .map((_, i) => i)
    .filter((i) => c.appointmentPinnedProvider[c.taskAppointment[tasks[i]]] < 0)
    .sort((x, y) => gap(x) - gap(y));
  const victims = order.slice(0, 1 + random.nextInt(3)).map((i) => c.taskAppointment[tasks[i]]);
  for (const a of victims) plan.remove(a);
  return victims;
}

/**
 * Shaw removal around a disrupted visit (moved to another provider, newly served, or unserved): the seed and the
 * served visits most related to it by travel time plus start-time distance. Lets the recreate step rearrange the
 * routes that absorbed the change, e.g. hand a moved visit back or shorten a detour.
 */
export function removeRelatedToDisruption(
  plan: RoutePlan,
  random: SeededRandom,
  hadPreviousProvider: Uint8Array,
): number[] {
  const ctx = plan.ctx;
  const c = ctx.compiled;
  const disrupted: number[] = [];
  for (const a of ctx.servableAppointments) {
    const v = plan.vehicleOf[a];
    if (v < 0 || c.changedAssignment[v * ctx.A + a] === 1 || hadPreviousProvider[a] === 0)
      disrupted.push(a);
  }
  if (disrupted.length === 0) return [];
  const seed = disrupted[random.nextInt(disrupted.length)];
  const start = new Float64Array(ctx.A).fill(NaN);
  for (let v = 0; v < ctx.V; v++) {
    const starts = earliestStarts(plan, v);
    plan.routes[v].tasks.forEach((t, i) => (start[c.taskAppointment[t]] = starts[i]));
  }
  const seedTime = Number.isNaN(start[seed])
    ? ctx.taskReady[c.appointmentFirstTask[seed]]
    : start[seed];
  const seedLocation = c.appointmentLocation[seed];
  const served: number[] = [];
  const relatedness = new Float64Array(ctx.A);
  for (const a of ctx.servableAppointments) {
    if (a === seed || plan.vehicleOf[a] < 0 || c.appointmentPinnedProvider[a] >= 0) continue;
    served.push(a);
    relatedness[a] =
      c.travelSeconds[seedLocation * ctx.L + c.appointmentLocation[a]] +
      Math.abs(start[a] - seedTime);
  }
  served.sort((x, y) => relatedness[x] - relatedness[y]);
  const victims = served.slice(0, 1 + random.nextInt(5));
  if (plan.vehicleOf[seed] >= 0 && c.appointmentPinnedProvider[seed] < 0) victims.push(seed);
  for (const a of victims) plan.remove(a);
  return victims;
}

/** Start of each visit of the route when every visit starts as early as possible from the shift start. */
function earliestStarts(plan: RoutePlan, v: number): Float64Array {
  const ctx = plan.ctx;
  const c = ctx.compiled;
  const tasks = plan.routes[v].tasks;
  const starts = new Float64Array(tasks.length);
  let clock = ctx.shiftStart[v];
  let place = c.vehicleStartLocation[v];
  tasks.forEach((t, i) => {
    const here = ctx.taskLocation[t];
    clock = Math.max(clock + c.travelSeconds[place * ctx.L + here], ctx.taskReady[t]);
    starts[i] = clock;
    clock += ctx.taskService[t];
    place = here;
  });
  return starts;
}

function pickByPriority(plan: RoutePlan, random: SeededRandom, items: readonly number[]): number {
  const priority = plan.ctx.compiled.appointmentPriority;
  let total = 0;
  for (const a of items) total += priority[a];
  let r = random.next() * total;
  for (const a of items) {
    r -= priority[a];
    if (r <= 0) return a;
  }
  return items[items.length - 1];
}
