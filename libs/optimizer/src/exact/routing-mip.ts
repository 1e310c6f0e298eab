import { MipModelBuilder, type LinearTerm, type MipModel } from './mip-model';

import type { CompiledProblem } from '../model';
import type { VehicleRoute } from './plan-builder';

/**
 * Exact vehicle-indexed arc formulation for small instances (≤ 12
 * appointments, ≤ 3 providers): arcs x[v,i,j] between the vehicle's start,
 * the tasks it may serve and its end; start times with big-M precedence rows
 * (which also cut subtours while every visit takes time); working span,
 * overtime, capacity, visit caps and the one-clinic-per-block rule as in the
 * model. The lexicographic objective is solved in two stages (see
 * `exact-solver.ts`), so the model offers both objective rows.
 */

export interface RoutingMip {
  /** Stage 1: maximize priority-weighted served appointments. */
  readonly servedModel: MipModel;
  /** Stage 2 builder: minimize cost subject to served priority ≥ `minServedPriority`. */
  costModel(minServedPriority: number): MipModel;
  decode(values: ArrayLike<number>): VehicleRoute[];
  readonly binaryCount: number;
}

interface Arc {
  readonly vehicle: number;
  /** Task index, or -1 for the vehicle's start. */
  readonly from: number;
  /** Task index, or -1 for the vehicle's end. */
  readonly to: number;
  readonly variable: number;
}

const START = -1;
const END = -1;

export function buildRoutingMip(compiled: CompiledProblem): RoutingMip {
  const build = (
    stage: 'served' | 'cost',
    minServedPriority: number,
  ): { model: MipModel; arcs: Arc[] } => {
    const builder = new MipModelBuilder(`routing-${stage}`);
    const L = compiled.locationCount;
    const A = compiled.appointmentCount;
    const travel = (from: number, to: number): number => compiled.travelSeconds[from * L + to] ?? 0;
    const arcCost = (from: number, to: number): number => compiled.arcCost[from * L + to] ?? 0;
    const location = (task: number): number =>
      compiled.appointmentLocation[compiled.taskAppointment[task] ?? 0] ?? 0;
    const duration = (task: number): number =>
      compiled.appointmentDuration[compiled.taskAppointment[task] ?? 0] ?? 0;

    // Finite time bounds per task: its window clipped to the shifts that may serve it.
    const horizonStart = Math.min(...Array.from(compiled.vehicleShiftStart));
    const horizonEnd = Math.max(...Array.from(compiled.vehicleShiftEnd));
    const earliest = (task: number): number =>
      Math.max(compiled.taskReady[task] ?? -Infinity, horizonStart);
    const latest = (task: number): number =>
      Math.min(compiled.taskDue[task] ?? Infinity, horizonEnd);

    const taskStart: number[] = [];
    for (let task = 0; task < compiled.taskCount; task += 1) {
      taskStart.push(
        builder.addVariable(`T${task}`, {
          lower: earliest(task),
          upper: Math.max(earliest(task), latest(task)),
        }),
      );
    }

    const arcs: Arc[] = [];
    const servedTerms: LinearTerm[] = [];
    const costTerms: LinearTerm[] = [];
    const servedByAppointment: LinearTerm[][] = Array.from({ length: A }, () => []);

    for (let vehicle = 0; vehicle < compiled.vehicleCount; vehicle += 1) {
      const shiftStart = compiled.vehicleShiftStart[vehicle] ?? 0;
      const shiftEnd = compiled.vehicleShiftEnd[vehicle] ?? 0;
      const origin = compiled.vehicleStartLocation[vehicle] ?? 0;
      const destination = compiled.vehicleEndLocation[vehicle] ?? 0;
      const weight = compiled.vehicleTravelWeight[vehicle] ?? 1;
      const tasks: number[] = [];
      for (let task = 0; task < compiled.taskCount; task += 1) {
        const appointment = compiled.taskAppointment[task] ?? 0;
        if (compiled.eligible[vehicle * A + appointment] !== 1) continue;
        const reachable =
          Math.max(earliest(task), shiftStart + travel(origin, location(task))) <= latest(task);
        const back =
          Math.max(earliest(task), shiftStart + travel(origin, location(task))) +
          duration(task) +
          travel(location(task), destination);
        if (reachable && back <= shiftEnd) tasks.push(task);
      }
      const departure = builder.addVariable(`D${vehicle}`, { lower: shiftStart, upper: shiftEnd });
      const returnTime = builder.addVariable(`R${vehicle}`, { lower: shiftStart, upper: shiftEnd });

      const addArc = (from: number, to: number): number => {
        const variable = builder.addBinary(`x${vehicle}_${from}_${to}`);
        arcs.push({ vehicle, from, to, variable });
        const fromLocation = from === START ? origin : location(from);
        const toLocation = to === END ? destination : location(to);
        costTerms.push({ variable, coefficient: arcCost(fromLocation, toLocation) * weight });
        return variable;
      };

      const inflow = new Map<number, LinearTerm[]>(tasks.map((task) => [task, []]));
      const outflow = new Map<number, LinearTerm[]>(tasks.map((task) => [task, []]));
      const leaveStart: LinearTerm[] = [];
      const reachEnd: LinearTerm[] = [];

      for (const to of tasks) {
        const lead = travel(origin, location(to));
        if (shiftStart + lead > latest(to)) continue;
        const variable = addArc(START, to);
        leaveStart.push({ variable, coefficient: 1 });
        inflow.get(to)?.push({ variable, coefficient: 1 });
        // x = 1 ⇒ T_to ≥ D + travel.
        const bigM = Math.max(0, shiftEnd + lead - earliest(to));
        builder.addGreaterOrEqual(
          `first${vehicle}_${to}`,
          [
            { variable: taskStart[to] ?? 0, coefficient: 1 },
            { variable: departure, coefficient: -1 },
            { variable, coefficient: -bigM },
          ],
          lead - bigM,
        );
      }
      for (const from of tasks) {
        const tail = duration(from) + travel(location(from), destination);
        if (earliest(from) + tail > shiftEnd) continue;
        const variable = addArc(from, END);
        reachEnd.push({ variable, coefficient: 1 });
        outflow.get(from)?.push({ variable, coefficient: 1 });
        // x = 1 ⇒ R ≥ T_from + duration + travel.
        const bigM = Math.max(0, latest(from) + tail - shiftStart);
        builder.addGreaterOrEqual(
          `last${vehicle}_${from}`,
          [
            { variable: returnTime, coefficient: 1 },
            { variable: taskStart[from] ?? 0, coefficient: -1 },
            { variable, coefficient: -bigM },
          ],
          tail - bigM,
        );
      }
      for (const from of tasks) {
        for (const to of tasks) {
          if (from === to || compiled.taskAppointment[from] === compiled.taskAppointment[to])
            continue;
          const gap = duration(from) + travel(location(from), location(to));
          if (earliest(from) + gap > latest(to)) continue;
          const variable = addArc(from, to);
          outflow.get(from)?.push({ variable, coefficient: 1 });
          inflow.get(to)?.push({ variable, coefficient: 1 });
          const bigM = Math.max(0, latest(from) + gap - earliest(to));
          builder.addGreaterOrEqual(
            `order${vehicle}_${from}_${to}`,
            [
              { variable: taskStart[to] ?? 0, coefficient: 1 },
              { variable: taskStart[from] ?? 0, coefficient: -1 },
              { variable, coefficient: -bigM },
            ],
            gap - bigM,
          );
        }
      }

      builder.addLessOrEqual(`leave${vehicle}`, leaveStart, 1);
      builder.addEqual(
        `return${vehicle}`,
        [...reachEnd, ...leaveStart.map((term) => ({ ...term, coefficient: -1 }))],
        0,
      );
      const visits: LinearTerm[] = [];
      const load: LinearTerm[] = [];
      const blockClinic = new Map<string, number>();
      for (const task of tasks) {
        const into = inflow.get(task) ?? [];
        builder.addEqual(
          `flow${vehicle}_${task}`,
          [...into, ...(outflow.get(task) ?? []).map((term) => ({ ...term, coefficient: -1 }))],
          0,
        );
        const appointment = compiled.taskAppointment[task] ?? 0;
        visits.push(...into);
        load.push(
          ...into.map((term) => ({
            ...term,
            coefficient: compiled.appointmentLoad[appointment] ?? 0,
          })),
        );
        servedByAppointment[appointment]?.push(...into);
        servedTerms.push(
          ...into.map((term) => ({
            ...term,
            coefficient: compiled.appointmentPriority[appointment] ?? 1,
          })),
        );
        const penalty = compiled.assignmentPenalty[vehicle * A + appointment] ?? 0;
        if (penalty !== 0)
          costTerms.push(...into.map((term) => ({ ...term, coefficient: penalty })));
        const clinic = compiled.taskClinic[task] ?? -1;
        const block = compiled.taskBlock[task] ?? -1;
        if (compiled.hasClinicBlocks && clinic >= 0 && block >= 0) {
          const key = `${block}:${clinic}`;
          let chosen = blockClinic.get(key);
          if (chosen === undefined) {
            chosen = builder.addBinary(`w${vehicle}_${block}_${clinic}`);
            blockClinic.set(key, chosen);
          }
          builder.addLessOrEqual(
            `clinic${vehicle}_${task}`,
            [...into, { variable: chosen, coefficient: -1 }],
            0,
          );
        }
      }
      const clinicsByBlock = new Map<string, LinearTerm[]>();
      for (const [key, variable] of blockClinic) {
        const block = key.split(':')[0] ?? '';
        clinicsByBlock.set(block, [
          ...(clinicsByBlock.get(block) ?? []),
          { variable, coefficient: 1 },
        ]);
      }
      for (const [block, terms] of clinicsByBlock)
        builder.addLessOrEqual(`oneClinic${vehicle}_${block}`, terms, 1);

      const capacity = compiled.vehicleCapacity[vehicle] ?? Infinity;
      if (Number.isFinite(capacity)) builder.addLessOrEqual(`capacity${vehicle}`, load, capacity);
      const maxVisits = compiled.vehicleMaxVisits[vehicle] ?? Infinity;
      if (Number.isFinite(maxVisits)) builder.addLessOrEqual(`visits${vehicle}`, visits, maxVisits);
      const span: LinearTerm[] = [
        { variable: returnTime, coefficient: 1 },
        { variable: departure, coefficient: -1 },
      ];
      const maxWorking = compiled.vehicleMaxWorking[vehicle] ?? Infinity;
      if (maxWorking < shiftEnd - shiftStart)
        builder.addLessOrEqual(`maxWorking${vehicle}`, span, maxWorking);
      const regular = compiled.vehicleRegularWorking[vehicle] ?? Infinity;
      const overtimeWeight = compiled.vehicleOvertimeWeight[vehicle] ?? 0;
      if (overtimeWeight > 0 && regular < shiftEnd - shiftStart) {
        const overtime = builder.addVariable(`O${vehicle}`);
        builder.addLessOrEqual(
          `overtime${vehicle}`,
          [...span, { variable: overtime, coefficient: -1 }],
          regular,
        );
        costTerms.push({ variable: overtime, coefficient: overtimeWeight });
      }
    }

    servedByAppointment.forEach((terms, appointment) => {
      if (terms.length > 0) builder.addLessOrEqual(`once${appointment}`, terms, 1);
    });
    if (stage === 'served') {
      builder.setObjective('maximize', servedTerms);
    } else {
      // Round-off slack: priorities are summed in a different order by the backend.
      builder.addGreaterOrEqual('keepServed', servedTerms, minServedPriority - 1e-6);
      builder.setObjective('minimize', costTerms);
    }
    return { model: builder.build(), arcs };
  };

  const served = build('served', 0);
  const arcs = served.arcs;
  return {
    servedModel: served.model,
    costModel: (minServedPriority) => build('cost', minServedPriority).model,
    binaryCount: served.model.variables.filter((variable) => variable.kind === 'binary').length,
    decode: (values) => decodeArcs(arcs, values),
  };
}

/** Follows each vehicle's arcs from its start; a chosen arc not on that path means a subtour. */
function decodeArcs(arcs: readonly Arc[], values: ArrayLike<number>): VehicleRoute[] {
  const chosen = arcs.filter((arc) => (values[arc.variable] ?? 0) > 0.5);
  const byVehicle = new Map<number, Arc[]>();
  for (const arc of chosen)
    byVehicle.set(arc.vehicle, [...(byVehicle.get(arc.vehicle) ?? []), arc]);
  const routes: VehicleRoute[] = [];
  for (const [vehicle, vehicleArcs] of byVehicle) {
    const next = new Map<number, number>(vehicleArcs.map((arc) => [arc.from, arc.to]));
    const tasks: number[] = [];
    let current = next.get(START);
    while (current !== undefined && current !== END) {
      tasks.push(current);
      current = next.get(current);
      if (tasks.length > vehicleArcs.length)
        throw new Error(`vehicle ${vehicle}: cyclic route in MIP answer`);
    }
    if (tasks.length + 1 !== vehicleArcs.length)
      throw new Error(`vehicle ${vehicle}: subtour in MIP answer`);
    routes.push({ vehicle, tasks });
  }
  return routes;
}
