import { decodeTravelMatrix, encodeTravelMatrix } from '@caredispatch/optimizer';

import { joinTravelMatrix, splitTravelMatrix } from './travel-matrix-snapshot';

import type { PlanInputs } from './problem-builder';

const matrix = {
  kind: 'matrix' as const,
  seconds: [
    [0, 612.5, 1_800],
    [640, 0, 95],
    [1_790, 101, 0],
  ],
  meters: [
    [0, 5_100, 21_000],
    [5_300, 0, 800],
    [20_950, 820, 0],
  ],
};

function inputsWith(travel: PlanInputs['problem']['travel']): PlanInputs {
  return {
    problem: { locations: [], providers: [], appointments: [], travel },
    solution: { unserved: [] },
    timeZone: 'America/New_York',
  } as unknown as PlanInputs;
}

describe('travel matrix snapshot', () => {
  it('should give back exactly the matrix it stored, fractions included', () => {
    expect(decodeTravelMatrix(encodeTravelMatrix(matrix))).toEqual(matrix);
  });

  it('should keep a seconds-only matrix without meters', () => {
    const secondsOnly = { kind: 'matrix' as const, seconds: matrix.seconds };

    expect(decodeTravelMatrix(encodeTravelMatrix(secondsOnly))).toEqual(secondsOnly);
  });

  it('should refuse a stored value of the wrong size', () => {
    const truncated = encodeTravelMatrix(matrix).subarray(0, 8 * 5);

    expect(() => decodeTravelMatrix(truncated)).toThrow(RangeError);
  });

  it('should store the inputs without their matrix and join them back whole', () => {
    const inputs = inputsWith(matrix);

    const sut = splitTravelMatrix(inputs);

    expect(JSON.stringify(sut.inputs)).not.toContain('612.5');
    expect(joinTravelMatrix(JSON.parse(JSON.stringify(sut.inputs)), sut.travelMatrix)).toEqual(
      inputs,
    );
  });

  it('should leave great-circle inputs and rows stored before the split as they are', () => {
    const greatCircle = inputsWith({ kind: 'great-circle' });

    expect(splitTravelMatrix(greatCircle)).toEqual({ inputs: greatCircle, travelMatrix: null });
    expect(joinTravelMatrix(inputsWith(matrix), null)).toEqual(inputsWith(matrix));
  });
});
