import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { checkSolution } from '../checker';
import { solveSync } from '../heuristic';

import {
  dimacsDistance,
  parseSolomon,
  readSolomonFile,
  SolomonFormatError,
  solomonToProblem,
} from './solomon';

const dataDir = join(__dirname, '../../bench/data/solomon');

describe(parseSolomon.name, () => {
  const files = readdirSync(dataDir).filter((f) => f.endsWith('.txt'));

  it('should parse all 56 shipped instances with a depot and 100 customers', () => {
    expect(files).toHaveLength(56);
    for (const file of files) {
      const sut = readSolomonFile(join(dataDir, file));
      expect(sut.name).toBe(file.replace('.txt', ''));
      expect(sut.depot.id).toBe(0);
      expect(sut.customers.map((c) => c.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(sut.vehicleCount).toBeGreaterThan(0);
      expect(sut.capacity).toBeGreaterThan(0);
    }
  });

  it('should read C101 header and first customer exactly', () => {
    const sut = readSolomonFile(join(dataDir, 'C101.txt'));
    expect([sut.vehicleCount, sut.capacity]).toEqual([25, 200]);
    expect(sut.depot).toEqual({
      id: 0,
      x: 40,
      y: 50,
      demand: 0,
      readyTime: 0,
      dueDate: 1236,
      serviceTime: 0,
    });
    expect(sut.customers[0]).toEqual({
      id: 1,
      x: 45,
      y: 68,
      demand: 10,
      readyTime: 912,
      dueDate: 967,
      serviceTime: 90,
    });
  });

  it('should reject a file without the vehicle block', () => {
    expect(() => parseSolomon('X1\n\nCUSTOMER\n')).toThrow(SolomonFormatError);
  });

  it('should turn R101 into a problem whose solved plan serves everyone and passes the checker', () => {
    const problem = solomonToProblem(readSolomonFile(join(dataDir, 'R101.txt')));
    const plan = solveSync(problem, { maxIterations: 150, seed: 3 });
    expect(plan.unserved).toEqual([]);
    expect(checkSolution(problem, plan)).toEqual([]);
  });
});

describe(dimacsDistance.name, () => {
  const instance = parseSolomon(
    [
      'T1',
      'VEHICLE',
      'NUMBER CAPACITY',
      '2 100',
      'CUSTOMER',
      'CUST NO. XCOORD. YCOORD. DEMAND READY TIME DUE DATE SERVICE TIME',
      '0 0 0 0 0 1000 0',
      '1 3 4 1 0 1000 0',
      '2 4 5 1 0 1000 0',
      '3 1 3 1 0 1000 0',
    ].join('\n'),
  );

  it('should truncate every arc to one decimal, depot legs included', () => {
    // depot→1 = 5 (exact), 1→2 = √2 ≈ 1.414 → 1.4, 2→depot = √41 ≈ 6.403 → 6.4; depot→3→depot = √10 ≈ 3.162 → 3.1
    // twice (rounding would give 3.2).
    expect(dimacsDistance(instance, [[1, 2], [3]])).toBeCloseTo(5 + 1.4 + 6.4 + 3.1 + 3.1, 10);
  });

  it('should be at most the full-precision distance of the same routes', () => {
    const full = 5 + Math.SQRT2 + Math.sqrt(41);
    expect(dimacsDistance(instance, [[1, 2]])).toBeLessThanOrEqual(full);
    expect(full - dimacsDistance(instance, [[1, 2]])).toBeLessThan(0.3);
  });

  it('should count an empty route as nothing and reject an unknown customer', () => {
    expect(dimacsDistance(instance, [[]])).toBe(0);
    expect(() => dimacsDistance(instance, [[9]])).toThrow(SolomonFormatError);
  });
});
