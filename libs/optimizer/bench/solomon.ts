/**
 * Solomon VRPTW benchmark: `npm run bench:solomon -- [--time-limit-ms 2000] [--instances C101,R101] [--seed 1] [--threads 1]`.
 * Solves each instance with distance as the objective, verifies every plan with the independent checker, writes
 * bench/results/solomon.json and prints per-instance distance, gap to bks_distance.csv and time.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { checkSolution, createTravelTimeProvider } from '../src';
import { readSolomonFile, solomonToProblem } from '../src/benchmarks/solomon';
import { solve } from '../src/heuristic/parallel-solve';

const repoRoot = resolve(__dirname, '../../..');
const dataDir = resolve(__dirname, 'data/solomon');
const resultsFile = join(repoRoot, 'bench/results/solomon.json');

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const inline = process.argv.find((a) => a.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

function bestKnownDistances(): Map<string, number> {
  const rows = readFileSync(join(dataDir, 'bks_distance.csv'), 'utf8').trim().split('\n').slice(1);
  return new Map(
    rows.map((r) => r.split(',')).map(([name, , distance]) => [name, Number(distance)]),
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const timeLimitMs = Number(argument('time-limit-ms') ?? 2000);
  const seed = Number(argument('seed') ?? 1);
  const threads = Number(argument('threads') ?? 1);
  const selected = argument('instances')
    ?.split(',')
    .map((s) => s.trim().toUpperCase());
  const names = readdirSync(dataDir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.replace(/\.txt$/, ''))
    .filter((n) => !selected || selected.includes(n.toUpperCase()))
    .sort();
  const bks = bestKnownDistances();
  const results: { name: string; routes: number[][]; distance: number; timeMs: number }[] = [];
  const gaps: number[] = [];
  const times: number[] = [];
  let invalid = 0;
  console.log(
    `Solomon VRPTW, distance objective, time limit ${timeLimitMs} ms, seed ${seed}, threads ${threads}`,
  );
  for (const name of names) {
    const problem = solomonToProblem(readSolomonFile(join(dataDir, `${name}.txt`)));
    const started = performance.now();
    const solution = await solve(problem, { timeLimitMs, seed, threads });
    const timeMs = Math.round(performance.now() - started);
    const violations = checkSolution(problem, solution, createTravelTimeProvider(problem));
    if (violations.length > 0 || solution.unserved.length > 0) {
      invalid++;
      console.log(
        `${name}: INVALID (${violations.length} violations, ${solution.unserved.length} unserved)`,
        violations.slice(0, 3),
      );
    }
    const routes = solution.itineraries
      .filter((i) => i.stops.length > 0)
      .map((i) => i.stops.map((s) => Number(s.appointmentId)));
    const distance = Math.round(solution.objective.travelMeters * 100) / 100;
    const reference = bks.get(name);
    const gap = reference ? (100 * (solution.objective.travelMeters - reference)) / reference : NaN;
    gaps.push(gap);
    times.push(timeMs);
    results.push({ name, routes, distance, timeMs });
    console.log(
      `${name.padEnd(6)} routes ${String(routes.length).padStart(2)}  distance ${distance.toFixed(2).padStart(8)}  bks ${String(reference ?? '?').padStart(8)}  gap ${gap.toFixed(2).padStart(6)} %  time ${timeMs} ms`,
    );
    for (const route of routes) console.log(`         ${route.join(' ')}`);
  }
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(resultsFile, JSON.stringify({ instances: results }) + '\n');
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(
    `\n${names.length} instances: mean gap ${mean(gaps).toFixed(2)} %, median ${median(gaps).toFixed(2)} %, max ${Math.max(...gaps).toFixed(2)} %, mean time ${Math.round(mean(times))} ms, invalid ${invalid}`,
  );
  console.log(`wrote ${resultsFile}`);
  if (invalid > 0) process.exitCode = 1;
}

void main();
