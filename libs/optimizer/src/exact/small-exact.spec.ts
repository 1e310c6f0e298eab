import { checkSolution } from '../checker';
import { solveSync } from '../heuristic';
import { generateTinyInstance } from '../scenarios';

import { HighsBackend } from './highs-backend';
import { LpSolverBackend } from './lp-solver-backend';
import { compileObjectiveSummary } from './objective-summary';
import { solveSmallExact } from './small-exact';

const INSTANCES = [
  { seed: 1, appointments: 5, providers: 1 },
  { seed: 2, appointments: 6, providers: 2 },
  { seed: 3, appointments: 6, providers: 2 },
  { seed: 4, appointments: 7, providers: 2 },
  { seed: 6, appointments: 6, providers: 3 },
] as const;

describe(solveSmallExact.name, () => {
  it.each(INSTANCES)(
    'should prove an optimum the checker accepts and the heuristic matches (seed $seed)',
    async (options) => {
      const problem = generateTinyInstance(options);

      const sut = await solveSmallExact(problem, { backend: new HighsBackend() });
      const heuristic = solveSync(problem, { maxIterations: 2000, seed: 1 });

      expect(sut.status).toBe('optimal');
      expect(checkSolution(problem, sut.solution!)).toEqual([]);
      expect(checkSolution(problem, heuristic)).toEqual([]);
      expect(compileObjectiveSummary(heuristic)).toEqual(compileObjectiveSummary(sut.solution!));
    },
  );

  it('should reach the same optimum with javascript-lp-solver as with HiGHS', async () => {
    const problem = generateTinyInstance({ seed: 2, appointments: 5, providers: 2 });

    const fromHighs = await solveSmallExact(problem, { backend: new HighsBackend() });
    const sut = await solveSmallExact(problem, { backend: new LpSolverBackend() });

    expect(sut.status).toBe('optimal');
    expect(compileObjectiveSummary(sut.solution!)).toEqual(
      compileObjectiveSummary(fromHighs.solution!),
    );
  });

  it('should refuse instances beyond its size limits', async () => {
    await expect(
      solveSmallExact(generateTinyInstance({ seed: 1, appointments: 12, providers: 3 }), {}),
    ).resolves.toBeDefined();
    const tooBig = { ...generateTinyInstance({ seed: 1, appointments: 12, providers: 3 }) };
    await expect(
      solveSmallExact({
        ...tooBig,
        appointments: [...tooBig.appointments, { ...tooBig.appointments[0], id: 'extra' }],
      }),
    ).rejects.toThrow(RangeError);
  });
});
