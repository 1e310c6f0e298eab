import { MipModelBuilder, type LinearTerm, type MipModel } from './mip-model';

import type { CompiledProblem } from '../model';
import type { VehicleRoute } from './plan-builder';

/**
 * Exact model for clinic days: every appointment has a fixed start at a
 * clinic, and a provider works at one clinic per block (e.g. half day). Then
 * a shift's route is fully decided by which visits it takes; it is an
 * assignment problem with
 *  - interval cliques (a provider cannot be in two visits at once),
 *  - pairwise cuts where travel between two clinics does not fit between visits,
 *  - one clinic per block: w[b][c] binaries in stage 1; in stage 2 a "pattern"
 *    per shift — the clinic (or none) of each block — whose home → clinics →
 *    home travel is exact because travel inside one clinic is 0,
 *  - the working span as one contiguous run of elementary time segments that
 *    must cover each taken visit's [leave home, back home] interval (tight,
 *    unlike big-M departure/return rows, which made HiGHS 10× slower here).
 * With travel obeying the triangle inequality (great-circle does), feasibility
 * of every pair implies feasibility of the whole day and the span is the
 * earliest "leave" to the latest "back", so the model is exact.
 */

export interface ClinicMip {
  readonly servedModel: MipModel;
  costModel(minServedPriority: number): MipModel;
  decode(values: ArrayLike<number>): VehicleRoute[];
}

/** Above this many patterns per shift the enumeration is refused (C clinics, B blocks: (C+1)^B). */
const MAX_PATTERNS_PER_SHIFT = 4096;
const EPS = 1e-6;

/** Why the clinic model does not apply, or null when it does. */
export function clinicModelInapplicable(compiled: CompiledProblem): string | null {
  if (!compiled.hasClinicBlocks) return 'the problem has no clinic blocks';
  for (let task = 0; task < compiled.taskCount; task += 1) {
    if ((compiled.taskClinic[task] ?? -1) < 0)
      return `appointment ${compiled.appointmentIds[compiled.taskAppointment[task] ?? 0] ?? '?'} is not at a clinic`;
    if ((compiled.taskReady[task] ?? 0) !== (compiled.taskDue[task] ?? 1)) {
      return `appointment ${compiled.appointmentIds[compiled.taskAppointment[task] ?? 0] ?? '?'} has no fixed start`;
    }
  }
  return null;
}

export interface ShiftTask {
  readonly task: number;
  readonly appointment: number;
  readonly start: number;
  readonly end: number;
  readonly location: number;
  readonly clinic: number;
  readonly block: number;
}

/**
 * Per shift, the clinic visits it could take alone (eligible, inside the shift
 * from leaving home to coming back, within the working-time cap), by start time.
 */
export function clinicShiftTasks(compiled: CompiledProblem): ShiftTask[][] {
  const L = compiled.locationCount;
  const A = compiled.appointmentCount;
  const travel = (from: number, to: number): number => compiled.travelSeconds[from * L + to] ?? 0;
  const shiftTasks: ShiftTask[][] = [];
  for (let vehicle = 0; vehicle < compiled.vehicleCount; vehicle += 1) {
    const origin = compiled.vehicleStartLocation[vehicle] ?? 0;
    const destination = compiled.vehicleEndLocation[vehicle] ?? 0;
    const maxWorking = compiled.vehicleMaxWorking[vehicle] ?? Infinity;
    const list: ShiftTask[] = [];
    for (let task = 0; task < compiled.taskCount; task += 1) {
      const appointment = compiled.taskAppointment[task] ?? 0;
      if (compiled.eligible[vehicle * A + appointment] !== 1) continue;
      const location = compiled.appointmentLocation[appointment] ?? 0;
      const start = compiled.taskReady[task] ?? 0;
      const end = start + (compiled.appointmentDuration[appointment] ?? 0);
      const leave = start - travel(origin, location);
      const back = end + travel(location, destination);
      if (
        leave < (compiled.vehicleShiftStart[vehicle] ?? 0) - EPS ||
        back > (compiled.vehicleShiftEnd[vehicle] ?? 0) + EPS
      )
        continue;
      if (back - leave > maxWorking + EPS) continue;
      list.push({
        task,
        appointment,
        start,
        end,
        location,
        clinic: compiled.taskClinic[task] ?? 0,
        block: compiled.taskBlock[task] ?? 0,
      });
    }
    list.sort((a, b) => a.start - b.start || a.task - b.task);
    shiftTasks.push(list);
  }

  return shiftTasks;
}

export function buildClinicMip(compiled: CompiledProblem): ClinicMip {
  const reason = clinicModelInapplicable(compiled);
  if (reason !== null) throw new RangeError(`clinic model does not apply: ${reason}`);
  const L = compiled.locationCount;
  const A = compiled.appointmentCount;
  const travel = (from: number, to: number): number => compiled.travelSeconds[from * L + to] ?? 0;
  const arcCost = (from: number, to: number): number => compiled.arcCost[from * L + to] ?? 0;
  const clinicLocation = new Map<number, number>();
  for (let task = 0; task < compiled.taskCount; task += 1) {
    clinicLocation.set(
      compiled.taskClinic[task] ?? 0,
      compiled.appointmentLocation[compiled.taskAppointment[task] ?? 0] ?? 0,
    );
  }

  const shiftTasks = clinicShiftTasks(compiled);

  const build = (
    stage: 'served' | 'cost',
    minServedPriority: number,
  ): { model: MipModel; assignment: Map<number, ShiftTask>[] } => {
    const builder = new MipModelBuilder(`clinic-${stage}`);
    const servedTerms: LinearTerm[] = [];
    const costTerms: LinearTerm[] = [];
    const byAppointment: LinearTerm[][] = Array.from({ length: A }, () => []);
    const assignment: Map<number, ShiftTask>[] = [];

    // Every y first, for all shifts, so both stages number them identically and one decoder serves both.
    const yByVehicle = shiftTasks.map((tasks, vehicle) => {
      const variableOf = new Map<number, ShiftTask>();
      assignment.push(variableOf);
      return tasks.map((task) => {
        const variable = builder.addBinary(`y${vehicle}_${task.task}`);
        variableOf.set(variable, task);
        byAppointment[task.appointment]?.push({ variable, coefficient: 1 });
        servedTerms.push({
          variable,
          coefficient: compiled.appointmentPriority[task.appointment] ?? 1,
        });
        const penalty = compiled.assignmentPenalty[vehicle * A + task.appointment] ?? 0;
        if (penalty !== 0) costTerms.push({ variable, coefficient: penalty });
        return variable;
      });
    });

    shiftTasks.forEach((tasks, vehicle) => {
      const y = yByVehicle[vehicle] ?? [];
      if (tasks.length === 0) return;
      addConflicts(builder, vehicle, tasks, y, travel);
      // Travel cost only matters in stage 2; stage 1 needs just "one clinic per block".
      if (stage === 'served') addBlockClinics(builder, vehicle, tasks, y);
      else addPatterns(builder, compiled, vehicle, tasks, y, clinicLocation, arcCost, costTerms);
      addWorkingTimeCap(builder, compiled, vehicle, tasks, y, travel);
      // Overtime only matters for cost (stage 2): the segment model is exact but costs HiGHS far more time.
      if (stage === 'cost') addWorkingTime(builder, compiled, vehicle, tasks, y, travel, costTerms);
    });

    byAppointment.forEach((terms, appointment) => {
      if (terms.length > 1) builder.addLessOrEqual(`once${appointment}`, terms, 1);
    });
    if (stage === 'served') {
      builder.setObjective('maximize', servedTerms);
    } else {
      builder.addGreaterOrEqual('keepServed', servedTerms, minServedPriority - 1e-6);
      builder.setObjective('minimize', costTerms);
    }
    return { model: builder.build(), assignment };
  };

  const served = build('served', 0);
  return {
    servedModel: served.model,
    costModel: (minServedPriority) => build('cost', minServedPriority).model,
    decode: (values) =>
      served.assignment.map((variableOf, vehicle) => ({
        vehicle,
        tasks: [...variableOf]
          .filter(([variable]) => (values[variable] ?? 0) > 0.5)
          .map(([, task]) => task)
          .sort((a, b) => a.start - b.start)
          .map((task) => task.task),
      })),
  };
}

/** Overlapping visits form cliques (one row per start instant); travel-infeasible pairs get a row each. */
function addConflicts(
  builder: MipModelBuilder,
  vehicle: number,
  tasks: readonly ShiftTask[],
  y: readonly number[],
  travel: (from: number, to: number) => number,
): void {
  let previousClique = '';
  tasks.forEach((task, index) => {
    const active: number[] = [];
    tasks.forEach((other, otherIndex) => {
      if (other.start <= task.start && task.start < other.end) active.push(otherIndex);
    });
    const key = active.join(',');
    if (active.length > 1 && key !== previousClique) {
      builder.addLessOrEqual(
        `overlap${vehicle}_${index}`,
        active.map((position) => ({ variable: y[position] ?? 0, coefficient: 1 })),
        1,
      );
    }
    previousClique = key;
  });
  for (let first = 0; first < tasks.length; first += 1) {
    const a = tasks[first];
    for (let second = first + 1; second < tasks.length; second += 1) {
      const b = tasks[second];
      if (b.start < a.end) continue; // overlapping: already in a clique
      if (a.block === b.block && a.clinic !== b.clinic) continue; // one clinic per block forbids the pair already
      if (a.end + travel(a.location, b.location) > b.start + EPS) {
        builder.addLessOrEqual(
          `travel${vehicle}_${first}_${second}`,
          [
            { variable: y[first] ?? 0, coefficient: 1 },
            { variable: y[second] ?? 0, coefficient: 1 },
          ],
          1,
        );
      }
    }
  }
}

/**
 * One binary per pattern (clinic or none for each block the shift touches), Σ = 1;
 * w[b][c] = Σ of patterns with clinic c in block b; a visit needs its w.
 */
function addPatterns(
  builder: MipModelBuilder,
  compiled: CompiledProblem,
  vehicle: number,
  tasks: readonly ShiftTask[],
  y: readonly number[],
  clinicLocation: ReadonlyMap<number, number>,
  arcCost: (from: number, to: number) => number,
  costTerms: LinearTerm[],
): void {
  const blocks = [...new Set(tasks.map((task) => task.block))].sort((a, b) => a - b);
  const clinicsInBlock = blocks.map((block) => [
    ...new Set(tasks.filter((task) => task.block === block).map((task) => task.clinic)),
  ]);
  const patternCount = clinicsInBlock.reduce(
    (product, clinics) => product * (clinics.length + 1),
    1,
  );
  if (patternCount > MAX_PATTERNS_PER_SHIFT)
    throw new RangeError(`shift ${vehicle} has ${patternCount} clinic patterns`);
  const origin = compiled.vehicleStartLocation[vehicle] ?? 0;
  const destination = compiled.vehicleEndLocation[vehicle] ?? 0;
  const weight = compiled.vehicleTravelWeight[vehicle] ?? 1;

  const w = new Map<string, LinearTerm[]>();
  const patterns: LinearTerm[] = [];
  for (let code = 0; code < patternCount; code += 1) {
    let rest = code;
    let place = origin;
    let cost = 0;
    const chosen: [number, number][] = [];
    blocks.forEach((block, position) => {
      const options = clinicsInBlock[position] ?? [];
      const pick = rest % (options.length + 1);
      rest = Math.floor(rest / (options.length + 1));
      if (pick === 0) return;
      const clinic = options[pick - 1] ?? 0;
      const location = clinicLocation.get(clinic) ?? 0;
      cost += arcCost(place, location);
      place = location;
      chosen.push([block, clinic]);
    });
    if (chosen.length > 0) cost += arcCost(place, destination);
    const variable = builder.addBinary(`z${vehicle}_${code}`);
    patterns.push({ variable, coefficient: 1 });
    if (cost !== 0) costTerms.push({ variable, coefficient: cost * weight });
    for (const [block, clinic] of chosen) {
      const key = `${block}:${clinic}`;
      w.set(key, [...(w.get(key) ?? []), { variable, coefficient: 1 }]);
    }
  }
  builder.addEqual(`pattern${vehicle}`, patterns, 1);
  tasks.forEach((task, index) => {
    const covering = w.get(`${task.block}:${task.clinic}`) ?? [];
    builder.addLessOrEqual(
      `at${vehicle}_${index}`,
      [
        { variable: y[index] ?? 0, coefficient: 1 },
        ...covering.map((term) => ({ ...term, coefficient: -1 })),
      ],
      0,
    );
  });
}

function addBlockClinics(
  builder: MipModelBuilder,
  vehicle: number,
  tasks: readonly ShiftTask[],
  y: readonly number[],
): void {
  const w = new Map<string, number>();
  const byBlock = new Map<number, LinearTerm[]>();
  tasks.forEach((task, index) => {
    const key = `${task.block}:${task.clinic}`;
    let variable = w.get(key);
    if (variable === undefined) {
      variable = builder.addBinary(`w${vehicle}_${key}`);
      w.set(key, variable);
      byBlock.set(task.block, [...(byBlock.get(task.block) ?? []), { variable, coefficient: 1 }]);
    }
    builder.addLessOrEqual(
      `at${vehicle}_${index}`,
      [
        { variable: y[index] ?? 0, coefficient: 1 },
        { variable, coefficient: -1 },
      ],
      0,
    );
  });
  for (const [block, terms] of byBlock) {
    if (terms.length > 1) builder.addLessOrEqual(`oneClinic${vehicle}_${block}`, terms, 1);
  }
}

/**
 * The hard cap on working time as pairs: two visits whose leave-to-back span
 * exceeds it can never share a shift. Exact (the span is earliest leave to
 * latest back) and, unlike a span variable, tight in the LP relaxation.
 */
function addWorkingTimeCap(
  builder: MipModelBuilder,
  compiled: CompiledProblem,
  vehicle: number,
  tasks: readonly ShiftTask[],
  y: readonly number[],
  travel: (from: number, to: number) => number,
): void {
  const maxWorking = compiled.vehicleMaxWorking[vehicle] ?? Infinity;
  if (!Number.isFinite(maxWorking)) return;
  const origin = compiled.vehicleStartLocation[vehicle] ?? 0;
  const destination = compiled.vehicleEndLocation[vehicle] ?? 0;
  tasks.forEach((early, first) => {
    const leave = early.start - travel(origin, early.location);
    tasks.forEach((late, second) => {
      if (second <= first) return;
      if (late.end + travel(late.location, destination) - leave > maxWorking + EPS) {
        builder.addLessOrEqual(
          `cap${vehicle}_${first}_${second}`,
          [
            { variable: y[first] ?? 0, coefficient: 1 },
            { variable: y[second] ?? 0, coefficient: 1 },
          ],
          1,
        );
      }
    });
  });
}

/**
 * The shift's working span [leave of first visit, back of last visit] as a
 * contiguous run of segments between the distinct leave/back instants:
 * on[k] per segment, at most one run start, and a taken visit switches on the
 * first and last segment of its own interval (contiguity fills the middle).
 * Span = Σ length·on; its excess over regular hours is the overtime.
 */
function addWorkingTime(
  builder: MipModelBuilder,
  compiled: CompiledProblem,
  vehicle: number,
  tasks: readonly ShiftTask[],
  y: readonly number[],
  travel: (from: number, to: number) => number,
  costTerms: LinearTerm[],
): void {
  const shiftStart = compiled.vehicleShiftStart[vehicle] ?? 0;
  const shiftEnd = compiled.vehicleShiftEnd[vehicle] ?? 0;
  const regular = compiled.vehicleRegularWorking[vehicle] ?? Infinity;
  const overtimeWeight = compiled.vehicleOvertimeWeight[vehicle] ?? 0;
  const costed = overtimeWeight > 0 && regular < shiftEnd - shiftStart;
  if (!costed) return;
  const origin = compiled.vehicleStartLocation[vehicle] ?? 0;
  const destination = compiled.vehicleEndLocation[vehicle] ?? 0;
  const intervals = tasks.map((task) => ({
    leave: task.start - travel(origin, task.location),
    back: task.end + travel(task.location, destination),
  }));
  const instants = [
    ...new Set(intervals.flatMap((interval) => [interval.leave, interval.back])),
  ].sort((a, b) => a - b);
  const segmentOf = (instant: number): number => instants.indexOf(instant);
  const on: number[] = [];
  const starts: LinearTerm[] = [];
  const span: LinearTerm[] = [];
  for (let segment = 0; segment + 1 < instants.length; segment += 1) {
    const variable = builder.addBinary(`on${vehicle}_${segment}`);
    on.push(variable);
    span.push({ variable, coefficient: (instants[segment + 1] ?? 0) - (instants[segment] ?? 0) });
    // runStart ≥ on[k] − on[k−1]; one run start at most keeps the on-segments contiguous.
    const runStart = builder.addVariable(`s${vehicle}_${segment}`, { upper: 1 });
    starts.push({ variable: runStart, coefficient: 1 });
    builder.addGreaterOrEqual(
      `run${vehicle}_${segment}`,
      [
        { variable: runStart, coefficient: 1 },
        { variable, coefficient: -1 },
        ...(segment > 0 ? [{ variable: on[segment - 1] ?? 0, coefficient: 1 }] : []),
      ],
      0,
    );
  }
  builder.addLessOrEqual(`oneRun${vehicle}`, starts, 1);
  intervals.forEach((interval, index) => {
    const first = segmentOf(interval.leave);
    const last = segmentOf(interval.back) - 1;
    for (const segment of first === last ? [first] : [first, last]) {
      builder.addLessOrEqual(
        `cover${vehicle}_${index}_${segment}`,
        [
          { variable: y[index] ?? 0, coefficient: 1 },
          { variable: on[segment] ?? 0, coefficient: -1 },
        ],
        0,
      );
    }
  });
  const overtime = builder.addVariable(`O${vehicle}`);
  builder.addLessOrEqual(
    `overtime${vehicle}`,
    [...span, { variable: overtime, coefficient: -1 }],
    regular,
  );
  costTerms.push({ variable: overtime, coefficient: overtimeWeight });
}
