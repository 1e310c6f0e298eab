import { compileProblem } from '../model';
import { generateTinyInstance } from '../scenarios';

import { LpSolverBackend } from './lp-solver-backend';
import { MipModelBuilder } from './mip-model';
import { solveMip } from './mip-solver';
import { buildRoutingMip } from './routing-mip';

describe(LpSolverBackend.name, () => {
  it('should kill a run that ignores its timeout and report time-limit without a solution', async () => {
    // javascript-lp-solver 1.0.3 ran > 9 minutes on this 18-binary model despite its own timeout.
    const hanging = buildRoutingMip(
      compileProblem(generateTinyInstance({ seed: 1, appointments: 6, providers: 1 })),
    ).servedModel;
    const sut = new LpSolverBackend();

    const result = await solveMip(sut, hanging, { timeLimitMs: 200 });

    expect(result.status).toBe('time-limit');
    expect(result.values).toBeUndefined();
    expect(result.objective).toBeUndefined();
  });

  it('should still answer small models from its worker thread, verified', async () => {
    const builder = new MipModelBuilder('knapsack');
    const items = [
      { value: 5, weight: 4 },
      { value: 4, weight: 3 },
      { value: 3, weight: 2 },
    ].map((item, index) => ({ ...item, variable: builder.addBinary(`item${index}`) }));
    builder.addLessOrEqual(
      'weight',
      items.map((item) => ({ variable: item.variable, coefficient: item.weight })),
      5,
    );
    builder.setObjective(
      'maximize',
      items.map((item) => ({ variable: item.variable, coefficient: item.value })),
    );
    const sut = new LpSolverBackend();

    const result = await solveMip(sut, builder.build(), { timeLimitMs: 30_000 });

    expect(result.status).toBe('optimal');
    expect(result.objective).toBe(7);
    expect(Array.from(result.values ?? [])).toEqual([0, 1, 1]);
  });
});
