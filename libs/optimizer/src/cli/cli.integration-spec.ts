import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { checkSolution } from '../checker';

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
