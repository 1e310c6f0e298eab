import { MipModelBuilder, type MipModel } from './mip-model';
import { solveMip, type MipBackend, type RawMipAnswer } from './mip-solver';
import { verifyMipSolution } from './mip-verifier';

/** Two binaries, one may be chosen: max 3a + 2b s.t. a + b <= 1. */
function pickOneModel(): MipModel {
  const builder = new MipModelBuilder('pick-one');
  const a = builder.addBinary('a');
  const b = builder.addBinary('b');
  builder.addLessOrEqual(
    'one',
    [
      { variable: a, coefficient: 1 },
      { variable: b, coefficient: 1 },
    ],
    1,
  );
  builder.setObjective('maximize', [
    { variable: a, coefficient: 3 },
    { variable: b, coefficient: 2 },
  ]);
  return builder.build();
}

/** A backend that returns a canned answer, standing in for a misbehaving solver. */
class CannedBackend implements MipBackend {
  readonly name = 'javascript-lp-solver' as const;
  constructor(private readonly answer: RawMipAnswer) {}
  solveRaw(): Promise<RawMipAnswer> {
    return Promise.resolve(this.answer);
  }
}

describe(verifyMipSolution.name, () => {
  it('should accept an integral answer that satisfies every row', () => {
    const sut = verifyMipSolution(pickOneModel(), [1, 0], 3);

    expect(sut.ok).toBe(true);
    expect(sut.objective).toBe(3);
  });

  it('should reject a fractional binary even when every row holds', () => {
    const sut = verifyMipSolution(pickOneModel(), [0.5, 0.5], 2.5);

    expect(sut.ok).toBe(false);
    expect(sut.violations.filter((violation) => violation.kind === 'not-integral')).toHaveLength(2);
  });

  it('should reject an integral answer that violates a row', () => {
    const sut = verifyMipSolution(pickOneModel(), [1, 1], 5);

    expect(sut.ok).toBe(false);
    expect(sut.violations).toEqual([{ kind: 'constraint', subject: 'one', amount: 1 }]);
  });

  it('should reject a value outside its variable bounds', () => {
    const sut = verifyMipSolution(pickOneModel(), [2, 0], 6);

    expect(sut.violations.map((violation) => violation.kind)).toContain('variable-bound');
  });

  it('should flag, without rejecting the point, an objective that does not match the values', () => {
    const sut = verifyMipSolution(pickOneModel(), [0, 1], 3);

    expect(sut.ok).toBe(true);
    expect(sut.objective).toBe(2);
    expect(sut.objectiveMismatch).toBe(1);
  });

  it('should reject missing and non-finite values', () => {
    const sut = verifyMipSolution(pickOneModel(), [Number.NaN]);

    expect(sut.ok).toBe(false);
    expect(sut.violations.map((violation) => violation.kind)).toContain('missing-value');
  });

  it('should check rows on snapped integers so a big-M row cannot hide a near-integral binary', () => {
    const builder = new MipModelBuilder('big-m');
    const y = builder.addBinary('y');
    const t = builder.addVariable('t', { upper: 100 });
    // t <= 1000·y with y ≈ 1e-7 lets t = 1e-4 in the raw answer but not once y is snapped to 0.
    builder.addLessOrEqual(
      'link',
      [
        { variable: t, coefficient: 1 },
        { variable: y, coefficient: -1000 },
      ],
      0,
    );
    builder.setObjective('maximize', [{ variable: t, coefficient: 1 }]);

    const sut = verifyMipSolution(builder.build(), [1e-7, 1e-4]);

    expect(sut.ok).toBe(false);
    expect(sut.violations[0]?.subject).toBe('link');
  });
});

describe(solveMip.name, () => {
  it('should return rejected, without values, when a backend claims a fractional answer is optimal', async () => {
    const sut = await solveMip(
      new CannedBackend({ status: 'optimal', values: Float64Array.of(0.5, 0.5), objective: 2.5 }),
      pickOneModel(),
    );

    expect(sut.status).toBe('rejected');
    expect(sut.values).toBeUndefined();
    expect(sut.message).toContain('not-integral');
  });

  it('should return rejected when a backend claims an infeasible answer is feasible', async () => {
    const sut = await solveMip(
      new CannedBackend({ status: 'feasible', values: Float64Array.of(1, 1), objective: 5 }),
      pickOneModel(),
    );

    expect(sut.status).toBe('rejected');
  });

  it('should downgrade an optimal claim to feasible when the reported objective does not match the point', async () => {
    const sut = await solveMip(
      new CannedBackend({ status: 'optimal', values: Float64Array.of(0, 1), objective: 3 }),
      pickOneModel(),
    );

    expect(sut.status).toBe('feasible');
    expect(sut.objective).toBe(2);
    expect(sut.bound).toBeUndefined();
  });

  it('should answer infeasible for a row without terms that excludes zero', async () => {
    const builder = new MipModelBuilder('empty-row');
    const a = builder.addBinary('a');
    builder.addGreaterOrEqual('impossible', [{ variable: a, coefficient: 0 }], 1);

    const sut = await solveMip(
      new CannedBackend({ status: 'optimal', values: Float64Array.of(0), objective: 0 }),
      builder.build(),
    );

    expect(sut.status).toBe('infeasible');
  });

  it('should pass a verified answer through with its recomputed objective', async () => {
    const sut = await solveMip(
      new CannedBackend({ status: 'optimal', values: Float64Array.of(1, 0), objective: 3 }),
      pickOneModel(),
    );

    expect(sut.status).toBe('optimal');
    expect(sut.objective).toBe(3);
    expect(sut.gap).toBe(0);
  });
});
