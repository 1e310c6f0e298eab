import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { checkSolution } from '../checker';
import { generateTinyInstance } from '../scenarios';

import { fieldToPointer, main } from './main';
import { validateSolution } from './problem-validation';

import type { Problem, Solution } from '../model';

// The built binary (dist/, worker threads) is exercised as a child process in cli.integration-spec.ts.
const EXAMPLE = resolve(__dirname, '../../examples/home-visits-small.json');

interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function runMain(args: readonly string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = await main(args, {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
  });
  return { status, stdout: stdout.join(''), stderr: stderr.join('') };
}

function writeInput(document: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'caredispatch-cli-')), 'problem.json');
  writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document));
  return path;
}

describe(main.name, () => {
  it('should print a schema-valid solution that passes the checker for the shipped example', async () => {
    const sut = await runMain(['--input', EXAMPLE, '--time-limit-ms', '200', '--seed', '3']);

    expect(sut.status).toBe(0);
    const solution = JSON.parse(sut.stdout) as Solution;
    const problem = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Problem;
    expect(validateSolution(solution)).toEqual([]);
    expect(checkSolution(problem, solution)).toEqual([]);
  });

  it('should solve a generated instance in-process into a plan the checker accepts', async () => {
    const problem = generateTinyInstance({ seed: 5, appointments: 8, providers: 2 });
    const output: string[] = [];

    const sut = await main(['--input', writeInput(problem), '--time-limit-ms', '100'], {
      stdout: (text) => output.push(text),
      stderr: () => undefined,
    });

    expect(sut).toBe(0);
    const solution = JSON.parse(output.join('')) as Solution;
    expect(validateSolution(solution)).toEqual([]);
    expect(checkSolution(problem, solution)).toEqual([]);
  });

  it('should exit 2 and name the field when a value breaks the schema', async () => {
    const input = writeInput({
      locations: [{ id: 'x', coordinates: { lat: 0, lon: 0 } }],
      providers: [],
      appointments: [{ id: 'a', location: 0, durationSeconds: -5 }],
    });

    const sut = await runMain(['--input', input]);

    expect(sut.status).toBe(2);
    expect(sut.stderr).toContain('/appointments/0/durationSeconds');
    expect(sut.stdout).toBe('');
  });

  it('should exit 2 and name a missing required field', async () => {
    const sut = await runMain(['--input', writeInput({ locations: [], appointments: [] })]);

    expect(sut.status).toBe(2);
    expect(sut.stderr).toContain('/providers: is required');
  });

  it('should exit 2 and name a reference to a location that does not exist', async () => {
    const input = writeInput({
      locations: [{ id: 'x', coordinates: { lat: 0, lon: 0 } }],
      providers: [],
      appointments: [{ id: 'a', location: 3, durationSeconds: 60 }],
    });

    const sut = await runMain(['--input', input]);

    expect(sut.status).toBe(2);
    expect(sut.stderr).toContain('/appointments/0/location');
  });

  it('should exit 2 and name an appointment time window that ends before it starts', async () => {
    const problem = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Problem;
    const [first, ...rest] = problem.appointments;
    const input = writeInput({
      ...problem,
      appointments: [
        { ...first, fixedStart: undefined, timeWindows: [{ start: 36_000, end: 32_400 }] },
        ...rest,
      ],
    });

    const sut = await runMain(['--input', input]);

    expect(sut.status).toBe(2);
    expect(sut.stderr).toContain('/appointments/0/timeWindows/0');
    expect(sut.stdout).toBe('');
  });

  it('should exit 2 for invalid JSON and for bad flags', async () => {
    const errors: string[] = [];
    const io = { stdout: () => undefined, stderr: (text: string) => errors.push(text) };

    const badJson = await main(['--input', writeInput('{"locations": [')], io);
    const badFlag = await main(['--input', EXAMPLE, '--seed', 'abc'], io);
    const missingInput = await main([], io);

    expect([badJson, badFlag, missingInput]).toEqual([2, 2, 2]);
    expect(errors.join('')).toContain('is not valid JSON');
    expect(errors.join('')).toContain('--seed must be an integer');
    expect(errors.join('')).toContain('--input is required');
  });
});

describe(fieldToPointer.name, () => {
  it('should turn a dotted field path into a JSON pointer', () => {
    expect(fieldToPointer('appointments[3].pinnedProvider')).toBe('/appointments/3/pinnedProvider');
    expect(fieldToPointer('providers[0].availability[2]')).toBe('/providers/0/availability/2');
  });
});
