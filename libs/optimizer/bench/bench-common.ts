/** Helpers shared by the VRPTW benchmark scripts (Solomon, Gehring & Homberger): flags, statistics, checked solve. */
import { readdirSync, readFileSync } from 'node:fs';

import { checkSolution, createTravelTimeProvider } from '../src';
import { readSolomonFile, solomonToProblem } from '../src/benchmarks/solomon';
import { solve } from '../src/heuristic/parallel-solve';

/** `--name value` or `--name=value` from the command line. */
export function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const inline = process.argv.find((a) => a.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

/** The instance names (`*.txt`) in `dataDir`, only those `--instances a,b` names when given (any case), in order. */
export function selectedInstances(dataDir: string): string[] {
  const selected = argument('instances')
    ?.split(',')
    .map((s) => s.trim().toLowerCase());
  return readdirSync(dataDir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.replace(/\.txt$/, ''))
    .filter((n) => !selected || selected.includes(n.toLowerCase()))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export const mean = (xs: readonly number[]): number =>
  xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Rows of a best-known CSV keyed by lower-case instance name (first column), read by header: `distance`, and
 * `vehicles` where the table has them (the distance-only DIMACS table does not).
 */
export function readBestKnown(file: string): Map<string, { vehicles?: number; distance: number }> {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  const distanceAt = columns.indexOf('distance');
  const vehiclesAt = columns.indexOf('vehicles');
  if (distanceAt < 0) throw new Error(`${file}: no distance column`);
  return new Map(
    rows
      .map((r) => r.split(','))
      .map((cells) => [
        cells[0].toLowerCase(),
        {
          distance: Number(cells[distanceAt]),
          ...(vehiclesAt >= 0 ? { vehicles: Number(cells[vehiclesAt]) } : {}),
        },
      ]),
  );
}

export interface CheckedRun {
  readonly routes: number[][];
  /** Total distance recomputed by the solution builder from the routes (Euclidean, full precision). */
  readonly distance: number;
  readonly timeMs: number;
  readonly iterations: number;
  /** Checker violations plus unserved customers: any non-zero value makes the run invalid. */
  readonly problems: number;
}

/** Solves one Solomon-format file with the distance objective and passes the plan through the independent checker. */
export async function solveChecked(
  file: string,
  options: { timeLimitMs?: number; maxIterations?: number; seed: number; threads: number },
): Promise<CheckedRun> {
  const problem = solomonToProblem(readSolomonFile(file));
  const started = performance.now();
  const solution = await solve(problem, options);
  const timeMs = Math.round(performance.now() - started);
  const violations = checkSolution(problem, solution, createTravelTimeProvider(problem));
  if (violations.length > 0 || solution.unserved.length > 0)
    console.log(
      `${file}: INVALID (${violations.length} violations, ${solution.unserved.length} unserved)`,
      violations.slice(0, 3),
    );
  const routes = solution.itineraries
    .filter((i) => i.stops.length > 0)
    .map((i) => i.stops.map((s) => Number(s.appointmentId)));
  return {
    routes,
    distance: solution.objective.travelMeters,
    timeMs,
    iterations: solution.statistics.iterations,
    problems: violations.length + solution.unserved.length,
  };
}
