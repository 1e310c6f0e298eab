import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { checkSolution } from '../checker';
import { solveSync } from '../heuristic';
import { compileProblem } from '../model';

import {
  MankowskaFormatError,
  mankowskaToProblem,
  parseMankowska,
  readMankowskaFile,
} from './mankowska';

const dataDir = join(__dirname, '../../bench/data/hhc-mankowska');
const smallFile = 'InstanzCPLEX_HCSRP_10_1.txt';

function readSmall(): string {
  return readFileSync(join(dataDir, smallFile), 'utf8');
}

/** `text` with the value lines of one section replaced. */
function editSection(text: string, section: string, edit: (lines: string[]) => string[]): string {
  const lines = text.split('\n');
  const start = lines.indexOf(section) + 1;
  let end = start;
  while (end < lines.length && !/^[A-Za-z]/.test(lines[end])) end++;
  return [...lines.slice(0, start), ...edit(lines.slice(start, end)), ...lines.slice(end)].join(
    '\n',
  );
}

describe(parseMankowska.name, () => {
  const files = readdirSync(dataDir).filter((f) => f.endsWith('.txt'));

  it('should parse all 50 shipped instances with consistent dimensions and data', () => {
    expect(files).toHaveLength(50);
    for (const file of files) {
      const sut = readMankowskaFile(join(dataDir, file));
      const patients = Number(/_(\d+)_\d+\.txt$/.exec(file)?.[1]);
      const nodes = Array.from({ length: sut.nodeCount }, (_, i) => i);
      const patientNodes = nodes.slice(1, -1);

      expect(sut.name).toBe(file.replace('.txt', ''));
      expect(sut.patientCount).toBe(patients);
      expect(sut.nodeCount).toBe(patients + 2);
      expect(sut.requires).toHaveLength(sut.nodeCount);
      expect(sut.requires.every((row) => row.length === sut.serviceCount)).toBe(true);
      expect(sut.qualified).toHaveLength(sut.caregiverCount);
      expect(sut.qualified.every((row) => row.length === sut.serviceCount)).toBe(true);
      expect(sut.travel).toHaveLength(sut.nodeCount);
      expect(sut.travel.every((row) => row.length === sut.nodeCount)).toBe(true);
      expect(sut.processingTime).toHaveLength(sut.nodeCount);
      expect(
        sut.processingTime.every(
          (byCaregiver) =>
            byCaregiver.length === sut.caregiverCount &&
            byCaregiver.every((byService) => byService.length === sut.serviceCount),
        ),
      ).toBe(true);
      for (const vector of [
        sut.x,
        sut.y,
        sut.minGap,
        sut.maxGap,
        sut.earliestStart,
        sut.latestStart,
      ])
        expect(vector).toHaveLength(sut.nodeCount);

      expect(patientNodes.every((node) => sut.requires[node].some(Boolean))).toBe(true);
      expect(sut.doubleServiceNodes.every((node) => node >= 1 && node <= patients)).toBe(true);
      expect(nodes.every((node) => sut.earliestStart[node] <= sut.latestStart[node])).toBe(true);
      expect(sut.doubleServiceNodes.every((node) => sut.minGap[node] <= sut.maxGap[node])).toBe(
        true,
      );
      const servable = patientNodes.every((node) =>
        sut.requires[node].every(
          (required, service) => !required || sut.qualified.some((skills) => skills[service]),
        ),
      );
      expect(servable).toBe(true);
    }
  });

  it('should read the small instance exactly, DS ids becoming node indices', () => {
    const sut = parseMankowska(readSmall(), 'A1');
    expect([sut.nodeCount, sut.patientCount, sut.caregiverCount, sut.serviceCount]).toEqual([
      12, 10, 3, 6,
    ]);
    expect(sut.doubleServiceNodes).toEqual([10, 9, 8]);
    expect(sut.requires[10]).toEqual([false, false, true, false, false, true]);
    expect(sut.qualified[1]).toEqual([false, false, false, false, true, true]);
    expect([sut.x[1], sut.y[1]]).toEqual([47, 32]);
    expect(sut.travel[0][1]).toBeCloseTo(38.470768, 6);
    expect(sut.processingTime[0][2]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(sut.processingTime[1][0][3]).toBe(14);
    expect([sut.minGap[10], sut.maxGap[10]]).toEqual([8, 16]);
    expect([sut.earliestStart[1], sut.latestStart[1]]).toEqual([345, 465]);
    expect([sut.earliestStart[0], sut.latestStart[11]]).toEqual([0, 1000]);
  });

  it('should name the section and row of a truncated matrix row', () => {
    const text = editSection(readSmall(), 'd', (rows) =>
      rows.map((row, i) => (i === 2 ? row.split(' ').slice(0, -1).join(' ') : row)),
    );
    expect(() => parseMankowska(text, 'broken')).toThrow(
      new MankowskaFormatError('d', 'expected 12 rows of 12 numbers, row 3 has 11'),
    );
  });

  it('should name the section of a matrix missing rows', () => {
    const text = editSection(readSmall(), 'p', (rows) => rows.slice(0, -4));
    expect(() => parseMankowska(text, 'broken')).toThrow(
      'p: expected 36 rows of 6 numbers, got 32 rows',
    );
  });

  it('should reject a DS id that is not a patient', () => {
    const text = editSection(readSmall(), 'DS', () => ['12 10 9']);
    expect(() => parseMankowska(text, 'broken')).toThrow(/^DS: id 12 is not a patient/);
  });

  it('should accept an empty DS list when every patient needs one service', () => {
    const singleService = new Map([
      [8, '0 0 0 0 1 0'],
      [9, '1 0 0 0 0 0'],
      [10, '0 0 1 0 0 0'],
    ]);
    const text = editSection(
      editSection(readSmall(), 'DS', () => []),
      'r',
      (rows) => rows.map((row, node) => singleService.get(node) ?? row),
    );
    const sut = parseMankowska(text, 'single');
    expect(sut.doubleServiceNodes).toEqual([]);
    expect(mankowskaToProblem(sut).isRelaxation).toBe(false);
  });
});

describe(mankowskaToProblem.name, () => {
  it('should turn the small instance into a checked, solvable relaxation with one visit per service', () => {
    const instance = parseMankowska(readSmall(), 'A1');
    const sut = mankowskaToProblem(instance);
    const { problem } = sut;

    expect(problem.locations).toHaveLength(12);
    expect(problem.providers.map((p) => p.credentials)).toEqual([
      ['service-1', 'service-2', 'service-3'],
      ['service-5', 'service-6'],
      ['service-4', 'service-5', 'service-6'],
    ]);
    expect(problem.providers.every((p) => p.startLocation === 0 && p.endLocation === 11)).toBe(
      true,
    );
    expect(problem.appointments).toHaveLength(10 + 3);
    expect(problem.appointments.find((a) => a.id === '1')).toEqual({
      id: '1',
      location: 1,
      durationSeconds: 14,
      timeWindows: [{ start: 345, end: 465 }],
      requiredCredentials: ['service-4'],
    });
    expect(sut.isRelaxation).toBe(true);
    expect(sut.droppedSynchronizations).toContainEqual({
      patientNode: 10,
      appointmentIds: ['10:service-3', '10:service-6'],
      minGap: 8,
      maxGap: 16,
    });
    expect(sut.durationApproximations).toEqual([]);

    expect(() => compileProblem(problem)).not.toThrow();
    const plan = solveSync(problem, { maxIterations: 100, seed: 3 });
    expect(checkSolution(problem, plan)).toEqual([]);
    expect(plan.objective.servedCount + plan.unserved.length).toBe(13);
  });
});
