import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dataDir = join(__dirname, '../../bench/data/solomon');

/** instance → the number in `column` of a vendored CSV (header skipped). */
function readColumn(file: string, column: number): Map<string, number> {
  const rows = readFileSync(join(dataDir, file), 'utf8').trim().split(/\r?\n/).slice(1);
  return new Map(
    rows.map((row) => row.split(',')).map((cells) => [cells[0], Number(cells[column])]),
  );
}

/**
 * Every benchmark gap is measured against bks_distance.csv, so a reference no plan can reach
 * inflates every mean. Exact optima with distances truncated to one decimal are lower bounds
 * for full-precision distances (truncation shortens every arc and loosens every time window),
 * so no best-known full-precision distance may be below them.
 */
describe('Solomon best-known distances', () => {
  const bestKnown = readColumn('bks_distance.csv', 2);
  const provenOptima = readColumn('proven_optima_truncated.csv', 1);

  it('covers all 56 instances', () => {
    expect(bestKnown.size).toBe(56);
    for (const distance of bestKnown.values()) expect(distance).toBeGreaterThan(0);
  });

  it.each([...provenOptima])(
    '%s: the best-known distance is not below the proven optimum',
    (instance, optimum) => {
      const known = bestKnown.get(instance);
      expect(known).toBeDefined();
      expect(known).toBeGreaterThanOrEqual(optimum);
    },
  );
});
