import {
  DEFAULT_CHANGED_ASSIGNMENT_COST,
  DEFAULT_OVERTIME_SECOND_WEIGHT,
  DEFAULT_PREFERENCE_VIOLATION_COST,
  DEFAULT_TRAVEL_SECOND_WEIGHT,
} from './objective';
import { intersectWindows } from './time-window';
import { fitsBefore, fitsCapacity } from './tolerance';
import { createTravelTimeProvider, GreatCircleTravelTimeProvider } from './travel';

import type { Appointment } from './appointment';
import type { CompiledProblem } from './compiled-problem';
import type { Problem } from './problem';
import type { Provider } from './provider';
import type { UnservedReason } from './solution';
import type { TimeWindow } from './time-window';
import type { TravelTimeProvider } from './travel';

export class InvalidProblemError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InvalidProblemError';
  }
}

export function compileProblem(
  problem: Problem,
  travel: TravelTimeProvider = createTravelTimeProvider(problem),
): CompiledProblem {
  validateReferences(problem);
  const mode = problem.objective?.mode ?? 'practice';
  const providerIndexById = new Map(problem.providers.map((p, i) => [p.id, i]));
  const appointmentIndexById = new Map(problem.appointments.map((a, i) => [a.id, i]));
  const clinicIndexById = new Map((problem.clinics ?? []).map((c, i) => [c.id, i]));

  const locations = compileLocations(problem, travel, mode);
  const vehicles = compileVehicles(problem, mode, locations.compiledIndex);
  const tasks = compileTasks(problem, clinicIndexById);

  const A = problem.appointments.length;
  const V = vehicles.count;
  const appointmentLocation = Int32Array.from(problem.appointments, (a) =>
    lookup(locations.compiledIndex, a.location, 'location'),
  );
  const appointmentDuration = Float64Array.from(problem.appointments, (a) => a.durationSeconds);
  const appointmentLoad = Float64Array.from(problem.appointments, (a) => a.load ?? 0);
  const appointmentPriority = Float64Array.from(problem.appointments, (a) => a.priority ?? 1);
  const appointmentPinnedProvider = Int32Array.from(problem.appointments, (a) =>
    a.pinnedProvider === undefined ? -1 : lookup(providerIndexById, a.pinnedProvider, 'provider'),
  );

  const eligible = new Uint8Array(V * A);
  const preferenceViolation = new Uint8Array(V * A);
  const changedAssignment = new Uint8Array(V * A);
  const assignmentPenalty = new Float64Array(V * A);
  const preferenceCost =
    problem.objective?.preferenceViolationCost ?? DEFAULT_PREFERENCE_VIOLATION_COST;
  const changeCost = problem.objective?.changedAssignmentCost ?? DEFAULT_CHANGED_ASSIGNMENT_COST;
  const appointmentInfeasibleReason: (UnservedReason | null)[] = [];

  const L = locations.count;
  const seconds = locations.travelSeconds;
  for (let a = 0; a < A; a++) {
    const appointment = problem.appointments[a];
    const stage = new Array<number>(V).fill(0);
    for (let v = 0; v < V; v++) {
      const provider = problem.providers[vehicles.provider[v]];
      if (!holdsCredentials(provider, appointment)) continue;
      stage[v] = 1;
      if (!providerAllowed(provider, appointment)) continue;
      stage[v] = 2;
      if (!fitsCapacity(appointmentLoad[a], vehicles.capacity[v]) || vehicles.maxVisits[v] < 1)
        continue;
      stage[v] = 3;
      const first = tasks.firstTask[a];
      const last = tasks.firstTask[a + 1];
      if (first === last) continue;
      stage[v] = 4;
      const start = vehicles.shiftStart[v];
      const end = vehicles.shiftEnd[v];
      const duration = appointmentDuration[a];
      let overlaps = false;
      let reachable = false;
      let fitsWorkingTime = false;
      const here = appointmentLocation[a];
      const toVisit = seconds[vehicles.startLocation[v] * L + here];
      const toEnd = seconds[here * L + vehicles.endLocation[v]];
      for (let t = first; t < last; t++) {
        if (!fitsBefore(tasks.ready[t], end) || !fitsBefore(start, tasks.due[t] + duration))
          continue;
        overlaps = true;
        const visitStart = Math.max(tasks.ready[t], start + toVisit);
        if (
          !fitsBefore(visitStart, tasks.due[t]) ||
          !fitsBefore(visitStart + duration + toEnd, end)
        )
          continue;
        reachable = true;
        if (fitsBefore(toVisit + duration + toEnd, vehicles.maxWorking[v])) fitsWorkingTime = true;
      }
      if (!overlaps) continue;
      stage[v] = 5;
      if (!reachable) continue;
      stage[v] = 6;
      if (!fitsWorkingTime) continue;
      stage[v] = 7;
      eligible[v * A + a] = 1;
      const providerId = provider.id;
      if (mode === 'practice') {
        const preferred = appointment.preferredProviders;
        if (preferred && preferred.length > 0 && !preferred.includes(providerId)) {
          preferenceViolation[v * A + a] = 1;
          assignmentPenalty[v * A + a] += preferenceCost;
        }
        const previous = problem.previousAssignments?.[appointment.id];
        if (previous !== undefined && previous !== providerId) {
          changedAssignment[v * A + a] = 1;
          assignmentPenalty[v * A + a] += changeCost;
        }
      }
    }
    // Providers without shifts have no vehicle but still decide credential/restriction/capacity reasons.
    const providerStage = Math.max(
      0,
      ...problem.providers.map((p) => providerStageOf(p, appointment)),
    );
    appointmentInfeasibleReason.push(
      reasonForStage(
        Math.max(providerStage, ...stage),
        tasks.firstTask[a] === tasks.firstTask[a + 1] && appointment.clinicId !== undefined,
      ),
    );
  }

  const lexicographicWeight = boundOnCost(problem, vehicles, locations, assignmentPenalty) + 1;
  return {
    problem,
    travel,
    mode,
    locationCount: L,
    locationSource: locations.source,
    travelSeconds: locations.travelSeconds,
    travelMeters: locations.travelMeters,
    arcCost: locations.arcCost,
    appointmentCount: A,
    appointmentIds: problem.appointments.map((a) => a.id),
    appointmentIndexById,
    appointmentPriority,
    appointmentLoad,
    appointmentLocation,
    appointmentDuration,
    appointmentFirstTask: tasks.firstTask,
    appointmentPinnedProvider,
    appointmentUnservedPenalty: appointmentPriority.map((p) => p * lexicographicWeight),
    appointmentInfeasibleReason,
    taskCount: tasks.count,
    taskAppointment: tasks.appointment,
    taskReady: tasks.ready,
    taskDue: tasks.due,
    taskClinic: tasks.clinic,
    taskBlock: tasks.block,
    hasClinicBlocks: (problem.clinicBlocks?.length ?? 0) > 0,
    providerCount: problem.providers.length,
    providerIds: problem.providers.map((p) => p.id),
    providerIndexById,
    vehicleCount: V,
    vehicleProvider: vehicles.provider,
    vehicleShift: vehicles.shift,
    vehicleStartLocation: vehicles.startLocation,
    vehicleEndLocation: vehicles.endLocation,
    vehicleShiftStart: vehicles.shiftStart,
    vehicleShiftEnd: vehicles.shiftEnd,
    vehicleMaxWorking: vehicles.maxWorking,
    vehicleRegularWorking: vehicles.regularWorking,
    vehicleCapacity: vehicles.capacity,
    vehicleMaxVisits: vehicles.maxVisits,
    vehicleTravelWeight: vehicles.travelWeight,
    vehicleOvertimeWeight: vehicles.overtimeWeight,
    eligible,
    assignmentPenalty,
    preferenceViolation,
    changedAssignment,
    lexicographicWeight,
  };
}

/** Map lookup of a reference `validateReferences` has already vouched for. */
function lookup<K>(map: ReadonlyMap<K, number>, key: K, what: string): number {
  const value = map.get(key);
  if (value === undefined) throw new InvalidProblemError(what, `unknown reference ${String(key)}`);
  return value;
}

/** Stages passed by the best vehicle → the first check that failed (see `UnservedReason`). */
function reasonForStage(stage: number, clinicClosed: boolean): UnservedReason | null {
  switch (stage) {
    case 0:
      return 'NO_CREDENTIALED_PROVIDER';
    case 1:
      return 'PROVIDER_RESTRICTION';
    case 2:
      return 'CAPACITY';
    case 3:
      return clinicClosed ? 'CLINIC_CLOSED' : 'OUTSIDE_AVAILABILITY';
    case 4:
      return 'OUTSIDE_AVAILABILITY';
    case 5:
      return 'TIME_WINDOW_UNREACHABLE';
    case 6:
      return 'MAX_WORKING_TIME';
    default:
      return null;
  }
}

function providerStageOf(provider: Provider, appointment: Appointment): number {
  if (!holdsCredentials(provider, appointment)) return 0;
  if (!providerAllowed(provider, appointment)) return 1;
  const fits = provider.availability.some(
    (w) =>
      fitsCapacity(appointment.load ?? 0, w.capacity ?? provider.capacity ?? Infinity) &&
      (w.maxVisits ?? provider.maxVisits ?? Infinity) >= 1,
  );
  if (!fits) return 2;
  return 3;
}

export function holdsCredentials(provider: Provider, appointment: Appointment): boolean {
  return (appointment.requiredCredentials ?? []).every((c) => provider.credentials.includes(c));
}

export function providerAllowed(provider: Provider, appointment: Appointment): boolean {
  if (appointment.pinnedProvider !== undefined && appointment.pinnedProvider !== provider.id)
    return false;
  const required = appointment.requiredProviders;
  if (required && required.length > 0 && !required.includes(provider.id)) return false;
  return !(appointment.excludedProviders ?? []).includes(provider.id);
}

export function shiftStartLocation(provider: Provider, shift: number): number {
  return provider.availability[shift].startLocation ?? provider.startLocation;
}

export function shiftEndLocation(provider: Provider, shift: number): number {
  return provider.availability[shift].endLocation ?? provider.endLocation;
}

function compileLocations(
  problem: Problem,
  travel: TravelTimeProvider,
  mode: 'practice' | 'distance',
) {
  const used = new Set<number>();
  problem.providers.forEach((p) => {
    p.availability.forEach((_, s) =>
      used.add(shiftStartLocation(p, s)).add(shiftEndLocation(p, s)),
    );
  });
  for (const a of problem.appointments) used.add(a.location);
  const source = Int32Array.from([...used].sort((x, y) => x - y));
  const compiledIndex = new Map<number, number>();
  source.forEach((s, i) => compiledIndex.set(s, i));
  const L = source.length;
  const travelSeconds = new Float64Array(L * L);
  // Meters drive the cost only in distance mode; there they stay full precision (Solomon distances) and share the
  // seconds matrix when equal (Euclidean benchmarks). Otherwise they are only reported, and float32's 6e-8 relative
  // error is far below what anyone reads from a distance: half the memory of a second float64 L×L matrix.
  const reportedMeters = mode === 'distance' ? null : new Float32Array(L * L);
  let costMeters: Float64Array | null = null;
  const greatCircle = travel instanceof GreatCircleTravelTimeProvider ? travel : null;
  for (let i = 0; i < L; i++) {
    for (let j = 0; j < L; j++) {
      const at = i * L + j;
      const meters = travel.meters(source[i], source[j]);
      const seconds = greatCircle
        ? greatCircle.secondsForMeters(meters)
        : travel.seconds(source[i], source[j]);
      travelSeconds[at] = seconds;
      if (reportedMeters) reportedMeters[at] = meters;
      else if (costMeters) costMeters[at] = meters;
      else if (meters !== seconds) {
        costMeters = new Float64Array(L * L);
        costMeters.set(travelSeconds.subarray(0, at));
        costMeters[at] = meters;
      }
    }
  }
  const arcCost = mode === 'distance' ? (costMeters ?? travelSeconds) : travelSeconds;
  const travelMeters = reportedMeters ?? arcCost;
  return { count: L, source, compiledIndex, travelSeconds, travelMeters, arcCost };
}

function compileVehicles(
  problem: Problem,
  mode: 'practice' | 'distance',
  compiledIndex: Map<number, number>,
) {
  const rows: { provider: number; shift: number }[] = [];
  problem.providers.forEach((p, i) => {
    p.availability.forEach((_, s) => rows.push({ provider: i, shift: s }));
  });
  const field = (f: (p: Provider, shift: number) => number) =>
    Float64Array.from(rows, (r) => f(problem.providers[r.provider], r.shift));
  return {
    count: rows.length,
    provider: Int32Array.from(rows, (r) => r.provider),
    shift: Int32Array.from(rows, (r) => r.shift),
    startLocation: Int32Array.from(rows, (r) =>
      lookup(compiledIndex, shiftStartLocation(problem.providers[r.provider], r.shift), 'location'),
    ),
    endLocation: Int32Array.from(rows, (r) =>
      lookup(compiledIndex, shiftEndLocation(problem.providers[r.provider], r.shift), 'location'),
    ),
    shiftStart: field((p, s) => p.availability[s].start),
    shiftEnd: field((p, s) => p.availability[s].end),
    maxWorking: field(
      (p, s) => p.availability[s].maxWorkingSeconds ?? p.maxWorkingSeconds ?? Infinity,
    ),
    regularWorking: field(
      (p, s) => p.availability[s].regularWorkingSeconds ?? p.regularWorkingSeconds ?? Infinity,
    ),
    capacity: field((p, s) => p.availability[s].capacity ?? p.capacity ?? Infinity),
    maxVisits: field((p, s) => p.availability[s].maxVisits ?? p.maxVisits ?? Infinity),
    travelWeight: field((p) =>
      mode === 'distance' ? 1 : (p.costWeights?.travelSecond ?? DEFAULT_TRAVEL_SECOND_WEIGHT),
    ),
    overtimeWeight: field((p) =>
      mode === 'distance' ? 0 : (p.costWeights?.overtimeSecond ?? DEFAULT_OVERTIME_SECOND_WEIGHT),
    ),
  };
}

/** Admissible start windows per appointment; see `CompiledProblem` for what a task is. */
export function admissibleStartWindows(
  problem: Problem,
  appointment: Appointment,
): { window: TimeWindow; block: number }[] {
  const base: TimeWindow[] =
    appointment.fixedStart !== undefined
      ? [{ start: appointment.fixedStart, end: appointment.fixedStart }]
      : appointment.timeWindows
        ? appointment.timeWindows.filter((w) => w.start <= w.end)
        : [{ start: -Infinity, end: Infinity }];
  if (appointment.clinicId === undefined) return base.map((window) => ({ window, block: -1 }));
  const clinic = (problem.clinics ?? []).find((c) => c.id === appointment.clinicId);
  if (!clinic) return [];
  const inHours: TimeWindow[] = [];
  for (const w of base) {
    for (const open of clinic.openingHours) {
      const latestStart = { start: open.start, end: open.end - appointment.durationSeconds };
      const piece = intersectWindows(w, latestStart);
      if (piece) inHours.push(piece);
    }
  }
  const blocks = problem.clinicBlocks ?? [];
  if (blocks.length === 0) return inHours.map((window) => ({ window, block: -1 }));
  const result: { window: TimeWindow; block: number }[] = [];
  for (const w of inHours) {
    blocks.forEach((b, blockIndex) => {
      const piece = intersectWindows(w, b);
      if (piece) result.push({ window: piece, block: blockIndex });
    });
  }
  return result;
}

function compileTasks(problem: Problem, clinicIndexById: Map<string, number>) {
  const firstTask = new Int32Array(problem.appointments.length + 1);
  const appointment: number[] = [];
  const ready: number[] = [];
  const due: number[] = [];
  const clinic: number[] = [];
  const block: number[] = [];
  problem.appointments.forEach((a, index) => {
    firstTask[index] = appointment.length;
    for (const { window, block: b } of admissibleStartWindows(problem, a)) {
      appointment.push(index);
      ready.push(window.start);
      due.push(window.end);
      clinic.push(a.clinicId === undefined ? -1 : lookup(clinicIndexById, a.clinicId, 'clinic'));
      block.push(b);
    }
  });
  firstTask[problem.appointments.length] = appointment.length;
  return {
    count: appointment.length,
    firstTask,
    appointment: Int32Array.from(appointment),
    ready: Float64Array.from(ready),
    due: Float64Array.from(due),
    clinic: Int32Array.from(clinic),
    block: Int32Array.from(block),
  };
}

function boundOnCost(
  problem: Problem,
  vehicles: ReturnType<typeof compileVehicles>,
  locations: ReturnType<typeof compileLocations>,
  assignmentPenalty: Float64Array,
): number {
  let maxArc = 0;
  for (const c of locations.arcCost) if (c > maxArc) maxArc = c;
  let maxWeight = 0;
  let overtime = 0;
  for (let v = 0; v < vehicles.count; v++) {
    maxWeight = Math.max(maxWeight, vehicles.travelWeight[v]);
    const span = vehicles.shiftEnd[v] - vehicles.shiftStart[v];
    if (Number.isFinite(span)) overtime += span * vehicles.overtimeWeight[v];
  }
  let maxPenalty = 0;
  for (const p of assignmentPenalty) if (p > maxPenalty) maxPenalty = p;
  const arcs = problem.appointments.length + vehicles.count;
  return arcs * maxArc * maxWeight + overtime + problem.appointments.length * maxPenalty;
}

function validateReferences(problem: Problem): void {
  const L = problem.locations.length;
  const checkLocation = (field: string, index: number) => {
    if (!Number.isInteger(index) || index < 0 || index >= L)
      throw new InvalidProblemError(field, `location ${index} does not exist`);
  };
  // An inverted window (end before start) is a data error wherever it appears, never "no time available".
  const checkWindow = (field: string, window: TimeWindow) => {
    if (!(window.start <= window.end))
      throw new InvalidProblemError(field, `end ${window.end} is before start ${window.start}`);
  };
  (problem.clinicBlocks ?? []).forEach((w, b) => checkWindow(`clinicBlocks[${b}]`, w));
  const providerIds = new Set<string>();
  problem.providers.forEach((p, i) => {
    if (providerIds.has(p.id))
      throw new InvalidProblemError(`providers[${i}].id`, `duplicate id ${p.id}`);
    providerIds.add(p.id);
    checkLocation(`providers[${i}].startLocation`, p.startLocation);
    checkLocation(`providers[${i}].endLocation`, p.endLocation);
    p.availability.forEach((w, s) => {
      checkWindow(`providers[${i}].availability[${s}]`, w);
      if (w.startLocation !== undefined)
        checkLocation(`providers[${i}].availability[${s}].startLocation`, w.startLocation);
      if (w.endLocation !== undefined)
        checkLocation(`providers[${i}].availability[${s}].endLocation`, w.endLocation);
    });
  });
  const clinicIds = new Set((problem.clinics ?? []).map((c) => c.id));
  (problem.clinics ?? []).forEach((c, i) => {
    checkLocation(`clinics[${i}].location`, c.location);
    c.openingHours.forEach((w, h) => checkWindow(`clinics[${i}].openingHours[${h}]`, w));
  });
  const appointmentIds = new Set<string>();
  problem.appointments.forEach((a, i) => {
    if (appointmentIds.has(a.id))
      throw new InvalidProblemError(`appointments[${i}].id`, `duplicate id ${a.id}`);
    appointmentIds.add(a.id);
    checkLocation(`appointments[${i}].location`, a.location);
    if (!(a.durationSeconds >= 0))
      throw new InvalidProblemError(`appointments[${i}].durationSeconds`, 'must be >= 0');
    (a.timeWindows ?? []).forEach((w, t) => checkWindow(`appointments[${i}].timeWindows[${t}]`, w));
    if (a.pinnedProvider !== undefined && !providerIds.has(a.pinnedProvider))
      throw new InvalidProblemError(
        `appointments[${i}].pinnedProvider`,
        `unknown provider ${a.pinnedProvider}`,
      );
    if (a.clinicId !== undefined && !clinicIds.has(a.clinicId))
      throw new InvalidProblemError(`appointments[${i}].clinicId`, `unknown clinic ${a.clinicId}`);
    if (a.priority !== undefined && !(a.priority > 0))
      throw new InvalidProblemError(`appointments[${i}].priority`, 'must be > 0');
  });
}
