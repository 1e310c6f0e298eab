import { z } from 'zod';

import {
  configVariablesOf,
  parseConfigurationTable,
  readmeConfigurationDrift,
  readmeConfigurationTable,
  serviceNames,
} from './readme-configuration';

const README = `# Title

## Configuration

Intro.

| Variable | Services | Meaning |
|---|---|---|
| \`PORT\` | all | port |
| \`A_TOKEN\`, \`A_URL\` | alpha, beta | alpha's |

Ports: …

## Next
| \`NOT_CONFIG\` | all | another table |
`;

describe(parseConfigurationTable.name, () => {
  it('should read every variable of the configuration table and the services it names', () => {
    const sut = parseConfigurationTable(README);

    expect(sut).toEqual([
      { variables: ['PORT'], services: 'all' },
      { variables: ['A_TOKEN', 'A_URL'], services: ['alpha', 'beta'] },
    ]);
  });

  it('should refuse a document without a configuration section', () => {
    expect(() => parseConfigurationTable('# Title\n')).toThrow('"## Configuration"');
  });
});

describe(readmeConfigurationDrift.name, () => {
  const rows = parseConfigurationTable(README);

  it('should name variables a schema reads that the table does not list, and the reverse', () => {
    const schema = z
      .object({ PORT: z.string(), A_TOKEN: z.string(), B_SECRET: z.string() })
      .refine(() => true);

    const sut = readmeConfigurationDrift('alpha', schema, rows);

    expect(sut).toEqual({ missingFromReadme: ['B_SECRET'], notReadByService: ['A_URL'] });
  });

  it('should find no drift when the table lists exactly what the schema reads', () => {
    const sut = readmeConfigurationDrift('gamma', z.object({ PORT: z.string() }), rows);

    expect(sut).toEqual({ missingFromReadme: [], notReadByService: [] });
  });
});

describe(configVariablesOf.name, () => {
  it('should see through refinements and pipes to the object schema', () => {
    const schema = z.object({ ONE: z.string(), TWO: z.string() }).superRefine(() => undefined);

    expect(configVariablesOf(schema.pipe(z.any()))).toEqual(['ONE', 'TWO']);
  });
});

describe('README configuration table', () => {
  it('should name only services that exist (each service checks its own rows in its config.readme.spec.ts)', () => {
    const known = new Set(serviceNames());
    const unknown = readmeConfigurationTable().flatMap((row) =>
      row.services === 'all'
        ? []
        : row.services
            .filter((service) => !known.has(service))
            .map((service) => `${row.variables.join(', ')} → ${service}`),
    );

    expect(unknown).toEqual([]);
  });
});
