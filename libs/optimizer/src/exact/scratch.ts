import { HighsBackend, LpSolverBackend, MipModelBuilder, solveMip } from './index';
async function main(): Promise<void> {
  for (const yUpper of [undefined, 2, 2.5]) {
  const b = new MipModelBuilder('knap');
  const w = [12, 7, 11, 8, 9], v = [24, 13, 23, 15, 16];
  const xs = w.map((_, i) => b.addBinary(`item${i}`));
  b.addLessOrEqual('cap', xs.map((x, i) => ({ variable: x, coefficient: w[i] })), 26);
  const terms = xs.map((x, i) => ({ variable: x, coefficient: v[i] }));
  if (yUpper !== undefined) {
    const y = b.addVariable('y', { lower: -3, upper: yUpper, kind: 'integer' });
    b.addGreaterOrEqual('ylo', [{ variable: y, coefficient: 1 }], -1.5);
    terms.push({ variable: y, coefficient: 1 });
  }
  b.setObjective('maximize', terms, 5);
  const m = b.build();
  for (const be of [new HighsBackend(), new LpSolverBackend()]) {
    const r = await solveMip(be, m);
    console.log(yUpper, be.name, r.status, r.objective, r.bound, r.values?.join(','), r.message);
  }
  }
}
void main();
