import fc from 'fast-check';

import { compileProblem } from '../model';
import { problemArbitrary } from '../testing/random-problem';

import { RoutePlan } from './route-plan';
import { SeededRandom } from './seeded-random';
import { SolverContext } from './solver-context';

/** Earliest-start forward simulation from every candidate departure: the slow reference. */
function feasibleByBruteForce(plan: RoutePlan, v: number, tasks: number[]): boolean {
  const c = plan.ctx.compiled;
  const L = c.locationCount;
  const tryDeparture = (departure: number) => {
    let clock = departure;
    let place = c.vehicleStartLocation[v];
    for (const t of tasks) {
      const loc = c.appointmentLocation[c.taskAppointment[t]];
      const start = Math.max(clock + c.travelSeconds[place * L + loc], c.taskReady[t]);
      if (start > c.taskDue[t] + 1e-6) return false;
      clock = start + c.appointmentDuration[c.taskAppointment[t]];
      place = loc;
    }
    const back = clock + c.travelSeconds[place * L + c.vehicleEndLocation[v]];
    return back <= c.vehicleShiftEnd[v] + 1e-6 && back - departure <= c.vehicleMaxWorking[v] + 1e-6;
  };
  // The best departure is the shift start or one that arrives exactly at some visit's opening or closing time.
  const candidates = [c.vehicleShiftStart[v]];
  let offset = 0;
  let place = c.vehicleStartLocation[v];
  for (const t of tasks) {
    const loc = c.appointmentLocation[c.taskAppointment[t]];
    offset += c.travelSeconds[place * L + loc];
    for (const edge of [c.taskReady[t], c.taskDue[t]])
      if (edge - offset >= c.vehicleShiftStart[v]) candidates.push(edge - offset);
    offset += c.appointmentDuration[c.taskAppointment[t]];
    place = loc;
  }
  for (const departure of candidates) if (tryDeparture(departure)) return true;
  return false;
}

describe(RoutePlan.name, () => {
  it('should agree with a brute-force schedule on whether an insertion is time-feasible', () => {
    const compared = { feasible: 0, infeasible: 0 };
    fc.assert(
      fc.property(
        problemArbitrary({ maxAppointments: 8, maxProviders: 2 }),
        fc.nat(10_000),
        (problem, seed) => {
          const compiled = compileProblem(problem);
          // The brute force knows time windows, not the one-clinic-per-block rule.
          fc.pre(compiled.taskCount > 0 && !compiled.hasClinicBlocks);
          const sut = new RoutePlan(new SolverContext(compiled));
          const random = new SeededRandom(seed);
          for (let step = 0; step < 12; step++) {
            const v = random.nextInt(compiled.vehicleCount);
            const task = random.nextInt(compiled.taskCount);
            const a = compiled.taskAppointment[task];
            if (sut.vehicleOf[a] >= 0) continue;
            const tasks = sut.routes[v].tasks;
            const p = random.nextInt(tasks.length + 1);
            const candidate = [...tasks.slice(0, p), task, ...tasks.slice(p)];
            const fast = sut.insertionDelta(v, task, p) < Infinity;
            expect(fast).toBe(feasibleByBruteForce(sut, v, candidate));
            if (fast) {
              sut.insert(v, p + 1, task);
              compared.feasible++;
            } else compared.infeasible++;
          }
        },
      ),
      { numRuns: 150 },
    );
    // Not vacuous: both verdicts were compared with the brute force many times.
    expect(compared.feasible).toBeGreaterThanOrEqual(50);
    expect(compared.infeasible).toBeGreaterThanOrEqual(20);
  });

  it('should only call a position too late when that position and every later one are infeasible', () => {
    let cutOff = 0;
    fc.assert(
      fc.property(
        problemArbitrary({ maxAppointments: 8, maxProviders: 2 }),
        fc.nat(10_000),
        (problem, seed) => {
          const compiled = compileProblem(problem);
          fc.pre(compiled.taskCount > 0 && !compiled.hasClinicBlocks);
          const sut = new RoutePlan(new SolverContext(compiled));
          const random = new SeededRandom(seed);
          for (let step = 0; step < 12; step++) {
            const v = random.nextInt(compiled.vehicleCount);
            const task = random.nextInt(compiled.taskCount);
            if (sut.vehicleOf[compiled.taskAppointment[task]] >= 0) continue;
            const route = sut.routes[v];
            const tasks = route.tasks;
            const due = sut.ctx.taskDue[task];
            for (let p = 0; p <= tasks.length; p++) {
              if (!sut.startsTooLate(route, p, due)) continue;
              cutOff++;
              for (let later = p; later <= tasks.length; later++) {
                const candidate = [...tasks.slice(0, later), task, ...tasks.slice(later)];
                expect(feasibleByBruteForce(sut, v, candidate)).toBe(false);
              }
              break;
            }
            const p = random.nextInt(tasks.length + 1);
            if (sut.insertionDelta(v, task, p) < Infinity) sut.insert(v, p + 1, task);
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(cutOff).toBeGreaterThanOrEqual(20);
  });
});
