import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dataDir = join(__dirname, '../../bench/data/gehring-homberger-200');

/** name → distance from a vendored `name,…` CSV, reading the column headed `distance`. */
function readDistances(file: string): Map<string, number> {
  const [header, ...rows] = readFileSync(join(dataDir, file), 'utf8').trim().split(/\r?\n/);
  const column = header.split(',').indexOf('distance');
  return new Map(
    rows.map((row) => row.split(',')).map((cells) => [cells[0], Number(cells[column])]),
  );
}

/**
 * `bench:homberger` prints the gap to the distance-only best-known table (DIMACS convention, arcs truncated to one
 * decimal). A plan minimising distance alone can only be shorter than the hierarchical best-known plan (fewest
 * vehicles first), and truncation shortens it further, so a row above its hierarchical distance is a transcription
 * error that would flatter every gap.
 */
describe('Gehring & Homberger 200 best-known distances', () => {
  const distanceOnly = readDistances('bks_distance_dimacs.csv');
  const hierarchical = readDistances('bks_hierarchical.csv');

  it('covers the same 60 instances as the hierarchical table', () => {
    expect(distanceOnly.size).toBe(60);
    expect([...distanceOnly.keys()].sort()).toEqual([...hierarchical.keys()].sort());
    for (const distance of distanceOnly.values()) expect(distance).toBeGreaterThan(0);
  });

  it.each([...distanceOnly])(
    '%s: the distance-only best-known is not above the hierarchical distance',
    (instance, distance) => {
      expect(distance).toBeLessThanOrEqual(hierarchical.get(instance) ?? -Infinity);
    },
  );
});
