import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import type { Appointment, Problem } from '../model';

/**
 * One home-health-care instance of Mankowska, Meisel & Bierwirth (2014). Nodes are indexed as in the file:
 * 0 = start depot, 1..patientCount = patients, nodeCount − 1 = end depot. Field names spell out the file keywords.
 */
export interface MankowskaInstance {
  readonly name: string;
  /** `nbNodes` = patientCount + 2. */
  readonly nodeCount: number;
  readonly patientCount: number;
  /** `nbVehi`. */
  readonly caregiverCount: number;
  /** `nbServi`. */
  readonly serviceCount: number;
  /** `r`: requires[node][service] (depots list every service; ignore them). */
  readonly requires: readonly (readonly boolean[])[];
  /** `DS`, converted from the file's 1-based ids to node indices (id − 1), in file order. */
  readonly doubleServiceNodes: readonly number[];
  /** `a`: qualified[caregiver][service]. */
  readonly qualified: readonly (readonly boolean[])[];
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** `d`: travel[from][to], in the same unit as time. */
  readonly travel: readonly (readonly number[])[];
  /** `p`: processingTime[node][caregiver][service]; the file stores one row per (node, caregiver), node-major. */
  readonly processingTime: readonly (readonly (readonly number[])[])[];
  /** `mind` / `maxd`: per node, the min/max gap between the starts of a double-service patient's two services. */
  readonly minGap: readonly number[];
  readonly maxGap: readonly number[];
  /** `e` / `l`: per node, the window for the start of service (the paper treats `l` as a soft due date). */
  readonly earliestStart: readonly number[];
  readonly latestStart: readonly number[];
}

export class MankowskaFormatError extends Error {
  override readonly name = 'MankowskaFormatError';

  constructor(
    readonly section: string,
    problem: string,
  ) {
    super(`${section}: ${problem}`);
  }
}

const SECTIONS = [
  'nbNodes',
  'nbVehi',
  'nbServi',
  'r',
  'DS',
  'a',
  'x',
  'y',
  'd',
  'p',
  'mind',
  'maxd',
  'e',
  'l',
] as const;
type Section = (typeof SECTIONS)[number];

/** Parses the keyword-line layout; every dimension is checked against nbNodes / nbVehi / nbServi. */
export function parseMankowska(text: string, name: string): MankowskaInstance {
  const rows = splitSections(text);
  const nodeCount = scalar(rows, 'nbNodes');
  const caregiverCount = scalar(rows, 'nbVehi');
  const serviceCount = scalar(rows, 'nbServi');
  if (nodeCount < 3)
    throw new MankowskaFormatError(
      'nbNodes',
      `expected at least 3 (two depots and a patient), got ${nodeCount}`,
    );
  const patientCount = nodeCount - 2;

  const requires = matrix(rows, 'r', nodeCount, serviceCount).map((row, i) =>
    row.map((v, j) => flag(v, 'r', i, j)),
  );
  const qualified = matrix(rows, 'a', caregiverCount, serviceCount).map((row, i) =>
    row.map((v, j) => flag(v, 'a', i, j)),
  );
  const doubleServiceNodes = doubleServices(rows.get('DS') ?? [], patientCount);
  checkServiceCounts(requires, doubleServiceNodes, patientCount);

  const pRows = matrix(rows, 'p', nodeCount * caregiverCount, serviceCount);
  const processingTime = Array.from({ length: nodeCount }, (_, node) =>
    pRows.slice(node * caregiverCount, (node + 1) * caregiverCount),
  );
  const earliestStart = vector(rows, 'e', nodeCount);
  const latestStart = vector(rows, 'l', nodeCount);
  const inverted = earliestStart.findIndex((e, node) => e > latestStart[node]);
  if (inverted >= 0)
    throw new MankowskaFormatError(
      'l',
      `node ${inverted} has l = ${latestStart[inverted]} before e = ${earliestStart[inverted]}`,
    );

  return {
    name,
    nodeCount,
    patientCount,
    caregiverCount,
    serviceCount,
    requires,
    doubleServiceNodes,
    qualified,
    x: vector(rows, 'x', nodeCount),
    y: vector(rows, 'y', nodeCount),
    travel: matrix(rows, 'd', nodeCount, nodeCount),
    processingTime,
    minGap: vector(rows, 'mind', nodeCount),
    maxGap: vector(rows, 'maxd', nodeCount),
    earliestStart,
    latestStart,
  };
}

function splitSections(text: string): Map<Section, number[][]> {
  const rows = new Map<Section, number[][]>();
  let current: Section | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line.length === 0) return;
    if (/^[A-Za-z]/.test(line)) {
      const keyword = SECTIONS.find((s) => s === line);
      if (!keyword) throw new MankowskaFormatError(line, `unknown section on line ${index + 1}`);
      if (rows.has(keyword))
        throw new MankowskaFormatError(keyword, `repeated on line ${index + 1}`);
      const expected = SECTIONS[rows.size];
      if (keyword !== expected)
        throw new MankowskaFormatError(
          keyword,
          `found on line ${index + 1} where ${expected} was expected`,
        );
      rows.set(keyword, []);
      current = keyword;
      return;
    }
    if (!current)
      throw new MankowskaFormatError(
        'nbNodes',
        `values before the first section on line ${index + 1}`,
      );
    const values = line.split(/\s+/).map(Number);
    if (values.some((v) => !Number.isFinite(v)))
      throw new MankowskaFormatError(current, `non-numeric value on line ${index + 1}: "${line}"`);
    rows.get(current)?.push(values);
  });
  const missing = SECTIONS.find((s) => !rows.has(s));
  if (missing) throw new MankowskaFormatError(missing, 'section missing');
  return rows;
}

function scalar(rows: ReadonlyMap<Section, number[][]>, section: Section): number {
  const values = (rows.get(section) ?? []).flat();
  if (values.length !== 1 || !Number.isInteger(values[0]) || values[0] < 1)
    throw new MankowskaFormatError(
      section,
      `expected one positive integer, got "${values.join(' ')}"`,
    );
  return values[0];
}

function vector(
  rows: ReadonlyMap<Section, number[][]>,
  section: Section,
  length: number,
): number[] {
  const values = (rows.get(section) ?? []).flat();
  if (values.length !== length)
    throw new MankowskaFormatError(section, `expected ${length} numbers, got ${values.length}`);
  return values;
}

function matrix(
  rows: ReadonlyMap<Section, number[][]>,
  section: Section,
  rowCount: number,
  columnCount: number,
): number[][] {
  const values = rows.get(section) ?? [];
  const expected = `expected ${rowCount} rows of ${columnCount} numbers`;
  if (values.length !== rowCount)
    throw new MankowskaFormatError(section, `${expected}, got ${values.length} rows`);
  const short = values.findIndex((row) => row.length !== columnCount);
  if (short >= 0)
    throw new MankowskaFormatError(
      section,
      `${expected}, row ${short + 1} has ${values[short].length}`,
    );
  return values;
}

function flag(value: number, section: Section, row: number, column: number): boolean {
  if (value !== 0 && value !== 1)
    throw new MankowskaFormatError(
      section,
      `row ${row + 1} column ${column + 1} is ${value}, expected 0 or 1`,
    );
  return value === 1;
}

function doubleServices(rows: readonly number[][], patientCount: number): number[] {
  const ids = rows.flat();
  const bad = ids.find((id) => !Number.isInteger(id) || id < 2 || id > patientCount + 1);
  if (bad !== undefined)
    throw new MankowskaFormatError(
      'DS',
      `id ${bad} is not a patient (1-based node ids 2..${patientCount + 1})`,
    );
  if (new Set(ids).size !== ids.length) throw new MankowskaFormatError('DS', 'repeated id');
  return ids.map((id) => id - 1);
}

/** The paper's definition: a double-service patient needs exactly two services, every other patient exactly one. */
function checkServiceCounts(
  requires: readonly (readonly boolean[])[],
  doubleServiceNodes: readonly number[],
  patientCount: number,
): void {
  const doubles = new Set(doubleServiceNodes);
  for (let node = 1; node <= patientCount; node++) {
    const count = requires[node].filter(Boolean).length;
    const expected = doubles.has(node) ? 2 : 1;
    if (count !== expected)
      throw new MankowskaFormatError(
        'r',
        `patient node ${node} requires ${count} services, expected ${expected}${doubles.has(node) ? ' (listed in DS)' : ''}`,
      );
  }
}

/** `name` defaults to the file name without `.txt`. */
export function readMankowskaFile(path: string, name = basename(path, '.txt')): MankowskaInstance {
  return parseMankowska(readFileSync(path, 'utf8'), name);
}

/** A DS synchronization the model cannot express: the starts of the two visits must differ by [minGap, maxGap]. */
export interface DroppedSynchronization {
  readonly patientNode: number;
  readonly appointmentIds: readonly [string, string];
  readonly minGap: number;
  readonly maxGap: number;
}

/** p differed across qualified caregivers; the conversion used the largest value. */
export interface DurationApproximation {
  readonly appointmentId: string;
  readonly durationsByCaregiver: readonly number[];
  readonly used: number;
}

export interface MankowskaConversion {
  readonly problem: Problem;
  /** True when synchronizations were dropped: the problem is then a relaxation of the instance. */
  readonly isRelaxation: boolean;
  readonly droppedSynchronizations: readonly DroppedSynchronization[];
  readonly durationApproximations: readonly DurationApproximation[];
}

export function mankowskaServiceCredential(service: number): string {
  return `service-${service + 1}`;
}

/**
 * Caregivers → providers holding one credential per skill in `a`, one shift [e(start depot), l(end depot)] from
 * node 0 to the last node. Each required service of a patient → one appointment needing that credential, start
 * window [e, l] (hard here; the paper's l is a soft due date with tardiness cost, so objective values are not
 * comparable with published results), travel = `d` as both time and distance, objective = distance.
 *
 * Double-service patients become two appointments (`<node>:service-<s>`) and their mind/maxd gap is dropped, as
 * is the requirement that two different caregivers serve them: the problem is a relaxation, reported in
 * `droppedSynchronizations`. We relax rather than omit them so every patient of the benchmark is still routed and
 * the credential matching is exercised on all of them. Single-service appointment ids are the node numbers.
 *
 * Duration = p of the service, which is caregiver-independent in every shipped file; should it vary, the largest
 * value over qualified caregivers is used (any plan stays feasible with the real times) and the case is reported.
 */
export function mankowskaToProblem(instance: MankowskaInstance): MankowskaConversion {
  const endDepot = instance.nodeCount - 1;
  const doubles = new Set(instance.doubleServiceNodes);
  const appointments: Appointment[] = [];
  const droppedSynchronizations: DroppedSynchronization[] = [];
  const durationApproximations: DurationApproximation[] = [];

  for (let node = 1; node <= instance.patientCount; node++) {
    const ids: string[] = [];
    instance.requires[node].forEach((required, service) => {
      if (!required) return;
      const id = doubles.has(node)
        ? `${node}:${mankowskaServiceCredential(service)}`
        : String(node);
      const durations = instance.processingTime[node]
        .filter((_, caregiver) => instance.qualified[caregiver][service])
        .map((byService) => byService[service]);
      const durationSeconds = durations.length > 0 ? Math.max(...durations) : 0;
      if (new Set(durations).size > 1)
        durationApproximations.push({
          appointmentId: id,
          durationsByCaregiver: durations,
          used: durationSeconds,
        });
      ids.push(id);
      appointments.push({
        id,
        location: node,
        durationSeconds,
        timeWindows: [{ start: instance.earliestStart[node], end: instance.latestStart[node] }],
        requiredCredentials: [mankowskaServiceCredential(service)],
      });
    });
    if (doubles.has(node))
      droppedSynchronizations.push({
        patientNode: node,
        appointmentIds: [ids[0], ids[1]],
        minGap: instance.minGap[node],
        maxGap: instance.maxGap[node],
      });
  }

  const problem: Problem = {
    locations: Array.from({ length: instance.nodeCount }, (_, node) => ({ id: String(node) })),
    travel: { kind: 'matrix', seconds: instance.travel, meters: instance.travel },
    objective: { mode: 'distance' },
    providers: instance.qualified.map((skills, caregiver) => ({
      id: `caregiver-${caregiver + 1}`,
      credentials: skills.flatMap((has, service) =>
        has ? [mankowskaServiceCredential(service)] : [],
      ),
      startLocation: 0,
      endLocation: endDepot,
      availability: [{ start: instance.earliestStart[0], end: instance.latestStart[endDepot] }],
    })),
    appointments,
  };
  return {
    problem,
    isRelaxation: droppedSynchronizations.length > 0,
    droppedSynchronizations,
    durationApproximations,
  };
}
