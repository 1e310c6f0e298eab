import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { checkSolution } from '../checker';
import { compareObjectives } from '../model';

import { main } from './main';
import { validateSolution } from './problem-validation';

import type { Problem, Solution } from '../model';

/**
 * The binary as users run it: bin/caredispatch-optimize.js → dist/ (written by `npm run build:optimizer`, which
 * scripts/test.sh runs before the jest tiers). Node runs it without any TypeScript loader, so worker threads work.
 */
const LIBRARY = resolve(__dirname, '../..');
const BIN = join(LIBRARY, 'bin/caredispatch-optimize.js');
const DIST = join(LIBRARY, 'dist');
const EXAMPLE = join(LIBRARY, 'examples/home-visits-small.json');
const ROOT_MANIFEST = resolve(LIBRARY, '../../package.json');

function runBuiltCli(args: readonly string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeInput(document: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'caredispatch-cli-')), 'problem.json');
  writeFileSync(path, JSON.stringify(document));
  return path;
}

function builtFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Package names (not relative paths, not node: builtins) that a compiled file requires. */
function requiredPackages(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/require\(["']([^"']+)["']\)/g)) {
    const specifier = match[1];
    if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
    if (builtinModules.includes(specifier)) continue;
    const parts = specifier.split('/');
    names.push(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return names;
}

describe(`${main.name} (built caredispatch-optimize binary)`, () => {
  it('should print a schema-valid plan the checker accepts when solving on two worker threads', () => {
    const sut = runBuiltCli(['--input', EXAMPLE, '--time-limit-ms', '300', '--threads', '2']);

    expect(sut.stderr).toBe('');
    expect(sut.status).toBe(0);
    const solution = JSON.parse(sut.stdout) as Solution;
    const problem = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Problem;
    expect(validateSolution(solution)).toEqual([]);
    expect(checkSolution(problem, solution)).toEqual([]);
    expect(solution.statistics.threads).toBe(2);
  });

  it('should exit 2 and name the field when the input breaks the schema', () => {
    const input = writeInput({
      locations: [{ id: 'x', coordinates: { lat: 0, lon: 0 } }],
      providers: [],
      appointments: [{ id: 'a', location: 0, durationSeconds: -5 }],
    });

    const sut = runBuiltCli(['--input', input, '--threads', '2']);

    expect(sut.status).toBe(2);
    expect(sut.stderr).toContain('/appointments/0/durationSeconds');
    expect(sut.stdout).toBe('');
  });

  it('should need only runtime dependencies, so it runs after a production install', () => {
    const manifest = JSON.parse(readFileSync(ROOT_MANIFEST, 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const files = builtFiles(DIST);

    const missing = files.flatMap((file) =>
      requiredPackages(readFileSync(file, 'utf8'))
        .filter((name) => !(name in manifest.dependencies))
        .map((name) => `${file.slice(DIST.length + 1)} requires ${name}`),
    );

    expect(files.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});

/** Runs `script` (CommonJS) in a plain Node process next to the built library: no TypeScript loader anywhere. */
function runBuiltScript(script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: LIBRARY,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('solve on worker threads (built dist/)', () => {
  it('should reuse its threads across solves, keep iteration-capped runs a function of the seed, and let the process exit', () => {
    // No closeSolverThreads(): idle solver threads must not keep the process alive.
    const sut = runBuiltScript(`
      const threads = require('node:worker_threads');
      let started = 0;
      threads.Worker = class extends threads.Worker {
        constructor(...args) { super(...args); started += 1; }
      };
      const { solve, solveSync } = require(${JSON.stringify(join(DIST, 'index.js'))});
      const problem = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(EXAMPLE)}, 'utf8'));
      (async () => {
        const timed = [];
        for (const seed of [1, 2, 3]) timed.push(await solve(problem, { timeLimitMs: 300, seed, threads: 2 }));
        const capped = await solve(problem, { maxIterations: 200, seed: 5, threads: 2 });
        const singles = [5, 6].map((seed) => solveSync(problem, { maxIterations: 200, seed }));
        process.stdout.write(JSON.stringify({ started, timed, capped, singles }));
      })();
    `);

    expect(sut.stderr).toBe('');
    expect(sut.status).toBe(0);
    const { started, timed, capped, singles } = JSON.parse(sut.stdout) as {
      started: number;
      timed: Solution[];
      capped: Solution;
      singles: [Solution, Solution];
    };
    const problem = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Problem;
    expect(started).toBe(2);
    for (const solution of [...timed, capped]) {
      expect(checkSolution(problem, solution)).toEqual([]);
      expect(solution.statistics.threads).toBe(2);
    }
    const better =
      compareObjectives(singles[1].objective, singles[0].objective) < 0 ? singles[1] : singles[0];
    expect(capped.itineraries).toEqual(better.itineraries);
    expect(capped.objective).toEqual(better.objective);
    expect(capped.statistics.iterations).toBe(
      singles[0].statistics.iterations + singles[1].statistics.iterations,
    );
  });
});
