import type { LinearTerm, MipModel } from './mip-model';

/**
 * Writes a model in CPLEX LP format, the text format HiGHS's one-shot and
 * persistent loaders accept.
 *
 * Columns are written as `x<index>` and rows as `c<index>` rather than with the
 * model's own names: LP-format names may not start with a digit or look like a
 * number ("e5"), and generated names make the mapping back by index trivial.
 * Every column is listed under Bounds so HiGHS creates it even when it has no
 * objective or row coefficient.
 */

export function columnName(index: number): string {
  return `x${index}`;
}

const TERMS_PER_LINE = 8;

export function writeLpFormat(model: MipModel): string {
  const lines: string[] = [];
  lines.push(`\\ ${model.name.replace(/[\r\n]/g, ' ')}`);
  lines.push(model.objective.sense === 'minimize' ? 'Minimize' : 'Maximize');
  lines.push(...expression(' obj:', model.objective.terms));

  lines.push('Subject To');
  model.constraints.forEach((constraint, index) => {
    const row = `c${index}`;
    const { lower, upper } = constraint;
    if (constraint.terms.length === 0) return;
    if (lower === upper) {
      lines.push(...withRelation(expression(` ${row}:`, constraint.terms), `= ${number(lower)}`));
      return;
    }
    // A ranged row is split in two one-sided rows: the LP format's range syntax
    // is not read the same way by every parser.
    if (lower !== -Infinity) {
      lines.push(
        ...withRelation(expression(` ${row}_lo:`, constraint.terms), `>= ${number(lower)}`),
      );
    }
    if (upper !== Infinity) {
      lines.push(
        ...withRelation(expression(` ${row}_up:`, constraint.terms), `<= ${number(upper)}`),
      );
    }
  });

  lines.push('Bounds');
  model.variables.forEach((variable, index) => {
    const name = columnName(index);
    if (variable.lower === -Infinity && variable.upper === Infinity) {
      lines.push(` ${name} free`);
    } else {
      const lower = variable.lower === -Infinity ? '-inf' : number(variable.lower);
      const upper = variable.upper === Infinity ? '+inf' : number(variable.upper);
      lines.push(` ${lower} <= ${name} <= ${upper}`);
    }
  });

  const generals = model.variables.flatMap((variable, index) =>
    variable.kind === 'integer' ? [columnName(index)] : [],
  );
  const binaries = model.variables.flatMap((variable, index) =>
    variable.kind === 'binary' ? [columnName(index)] : [],
  );
  if (generals.length > 0) lines.push('Generals', ...chunk(generals));
  if (binaries.length > 0) lines.push('Binaries', ...chunk(binaries));
  lines.push('End', '');
  return lines.join('\n');
}

function expression(prefix: string, terms: readonly LinearTerm[]): string[] {
  if (terms.length === 0) return [`${prefix} 0 ${columnName(0)}`];
  const lines: string[] = [];
  let current = prefix;
  terms.forEach((term, position) => {
    const sign = term.coefficient < 0 ? '-' : '+';
    current += ` ${sign} ${number(Math.abs(term.coefficient))} ${columnName(term.variable)}`;
    if ((position + 1) % TERMS_PER_LINE === 0 && position + 1 < terms.length) {
      lines.push(current);
      current = '  ';
    }
  });
  lines.push(current);
  return lines;
}

function withRelation(expressionLines: string[], relation: string): string[] {
  const last = expressionLines.length - 1;
  return expressionLines.map((line, index) => (index === last ? `${line} ${relation}` : line));
}

function chunk(names: readonly string[]): string[] {
  const lines: string[] = [];
  for (let start = 0; start < names.length; start += 16) {
    lines.push(` ${names.slice(start, start + 16).join(' ')}`);
  }
  return lines;
}

/** Full precision, never `Infinity`/`NaN` (the model builder rejects those in terms). */
function number(value: number): string {
  return Number.isInteger(value)
    ? value.toFixed(0)
    : value.toPrecision(17).replace(/\.?0+(e|$)/, '$1');
}
