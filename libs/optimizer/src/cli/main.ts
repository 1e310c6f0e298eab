import { readFile } from 'node:fs/promises';

import { solve } from '../heuristic';
import { compileProblem, InvalidProblemError, type Problem } from '../model';

import { parseArguments, USAGE, UsageError, type CliArguments } from './arguments';
import { isProblem, validateProblem, type FieldError } from './problem-validation';
import { checkTravelInput } from './travel-checks';

/**
 * caredispatch-optimize: problem JSON in, solution JSON on stdout.
 * Exit codes: 0 solved, 2 bad usage or bad input (field named on stderr), 1 anything else.
 */

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let args: CliArguments;
  try {
    args = parseArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`caredispatch-optimize: ${error.message}\n${USAGE}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }

  const loaded = await loadProblem(args.input);
  if ('errors' in loaded) {
    io.stderr(formatErrors(args.input, loaded.errors));
    return EXIT_BAD_INPUT;
  }

  try {
    // References (location indices, provider and clinic ids) are checked by compiling before solving.
    compileProblem(loaded.problem);
  } catch (error) {
    if (error instanceof InvalidProblemError) {
      io.stderr(
        formatErrors(args.input, [
          {
            pointer: fieldToPointer(error.field),
            message: error.message.replace(`${error.field}: `, ''),
          },
        ]),
      );
      return EXIT_BAD_INPUT;
    }
    throw error;
  }

  const solution = await solve(loaded.problem, {
    ...(args.timeLimitMs === undefined ? {} : { timeLimitMs: args.timeLimitMs }),
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.threads === undefined ? {} : { threads: args.threads }),
  });
  io.stdout(`${JSON.stringify(solution)}\n`);
  return EXIT_OK;
}

async function loadProblem(path: string): Promise<{ problem: Problem } | { errors: FieldError[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return {
      errors: [
        {
          pointer: '',
          message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        },
      ],
    };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return {
      errors: [
        {
          pointer: '',
          message: `is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`,
        },
      ],
    };
  }
  const errors = validateProblem(document);
  if (errors.length > 0 || !isProblem(document)) return { errors };
  const travelErrors = checkTravelInput(document);
  return travelErrors.length > 0 ? { errors: travelErrors } : { problem: document };
}

/** `appointments[3].pinnedProvider` → `/appointments/3/pinnedProvider`. */
export function fieldToPointer(field: string): string {
  return `/${field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part.length > 0)
    .join('/')}`;
}

function formatErrors(path: string, errors: readonly FieldError[]): string {
  const lines = errors
    .slice(0, 20)
    .map((error) => `  ${error.pointer === '' ? '(document)' : error.pointer}: ${error.message}`);
  const more = errors.length > 20 ? [`  … and ${errors.length - 20} more`] : [];
  return [`caredispatch-optimize: invalid input ${path}`, ...lines, ...more, ''].join('\n');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `caredispatch-optimize: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT_FAILURE;
    },
  );
}
