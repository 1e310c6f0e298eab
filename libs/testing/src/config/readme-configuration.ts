import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { z } from 'zod';

const repoRoot = resolve(__dirname, '../../../..');

export interface ConfigurationRow {
  /** Every `VARIABLE` named in the row's first cell. */
  readonly variables: readonly string[];
  /** `all`, or the services named in the second cell. */
  readonly services: 'all' | readonly string[];
}

/**
 * The rows of the first table under README's "## Configuration" heading. Its first column
 * names variables in backticks, its second `all` or a comma-separated list of services.
 */
export function parseConfigurationTable(markdown: string): ConfigurationRow[] {
  const section = /^## Configuration\s*$([\s\S]*?)(?=^## )/m.exec(`${markdown}\n## `)?.[1];
  if (section === undefined) throw new Error('README has no "## Configuration" section');
  const lines = section.split('\n').map((line) => line.trim());
  const first = lines.findIndex((line) => line.startsWith('|'));
  if (first < 0) throw new Error('README\'s "## Configuration" section has no table');
  const end = lines.findIndex((line, index) => index > first && !line.startsWith('|'));
  const table = lines.slice(first + 2, end < 0 ? undefined : end);
  return table.map((line) => {
    const [variableCell = '', serviceCell = ''] = line
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim());
    const variables = [...variableCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map(([, name]) => name);
    if (variables.length === 0) throw new Error(`configuration row names no variable: ${line}`);
    const services =
      serviceCell === 'all' ? 'all' : serviceCell.split(',').map((service) => service.trim());
    return { variables, services };
  });
}

/** The environment variables a service's zod config schema reads. */
export function configVariablesOf(schema: z.ZodTypeAny): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape as object);
  if (schema instanceof z.ZodEffects) {
    const refined = schema as z.ZodEffects<z.ZodTypeAny>;
    return configVariablesOf(refined.innerType());
  }
  if (schema instanceof z.ZodPipeline) {
    const pipeline = schema as z.ZodPipeline<z.ZodTypeAny, z.ZodTypeAny>;
    return configVariablesOf(pipeline._def.in);
  }
  throw new Error(`cannot list the variables of a ${schema.constructor.name}`);
}

/** The folders under services/, one per deployable service. */
export function serviceNames(): string[] {
  return readdirSync(join(repoRoot, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export function readmeConfigurationTable(): ConfigurationRow[] {
  return parseConfigurationTable(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
}

export interface ConfigurationDrift {
  /** Read by the service's schema, but README's table does not list it for the service. */
  readonly missingFromReadme: readonly string[];
  /** Listed for the service in README's table, but its schema does not read it. */
  readonly notReadByService: readonly string[];
}

/** Compares README's configuration table with what `service`'s config schema reads. */
export function readmeConfigurationDrift(
  service: string,
  schema: z.ZodTypeAny,
  rows: readonly ConfigurationRow[] = readmeConfigurationTable(),
): ConfigurationDrift {
  const documented = new Set(
    rows
      .filter((row) => row.services === 'all' || row.services.includes(service))
      .flatMap((row) => row.variables),
  );
  const read = new Set(configVariablesOf(schema));
  return {
    missingFromReadme: [...read].filter((variable) => !documented.has(variable)).sort(),
    notReadByService: [...documented].filter((variable) => !read.has(variable)).sort(),
  };
}
