/** Parsed command line of caredispatch-optimize. */
export interface CliArguments {
  readonly input: string;
  readonly timeLimitMs?: number;
  readonly seed?: number;
  readonly threads?: number;
}

export const USAGE =
  'usage: caredispatch-optimize --input problem.json [--time-limit-ms N] [--seed N] [--threads N]';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const NUMERIC_FLAGS = {
  '--time-limit-ms': { key: 'timeLimitMs', minimum: 1 },
  '--seed': { key: 'seed', minimum: 0 },
  '--threads': { key: 'threads', minimum: 1 },
} as const;

type NumericFlag = keyof typeof NUMERIC_FLAGS;

function isNumericFlag(flag: string): flag is NumericFlag {
  return Object.hasOwn(NUMERIC_FLAGS, flag);
}

/** Accepts `--flag value` and `--flag=value`. */
export function parseArguments(argv: readonly string[]): CliArguments {
  let input: string | undefined;
  const numbers: { timeLimitMs?: number; seed?: number; threads?: number } = {};
  for (let index = 0; index < argv.length; index += 1) {
    const raw = argv[index] ?? '';
    const [flag, inline] = raw.includes('=')
      ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)]
      : [raw, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      index += 1;
      const next = argv.at(index);
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--input') {
      input = value();
    } else if (isNumericFlag(flag)) {
      const { key, minimum } = NUMERIC_FLAGS[flag];
      const text = value();
      const parsed = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(parsed) || parsed < minimum) {
        throw new UsageError(`${flag} must be an integer ≥ ${minimum}, got "${text}"`);
      }
      numbers[key] = parsed;
    } else {
      throw new UsageError(`unknown argument "${raw}"`);
    }
  }
  if (input === undefined) throw new UsageError('--input is required');
  return { input, ...numbers };
}
