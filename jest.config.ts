import type { Config } from 'jest';

// One jest run, three tiers (STYLE.md): pure specs, integration against the real
// broker/database, and end-to-end tests that drive the running services.
const aliases: Record<string, string> = {
  '^@caredispatch/contracts$': '<rootDir>/libs/contracts/src/index.ts',
  '^@caredispatch/kafka$': '<rootDir>/libs/kafka/src/index.ts',
  '^@caredispatch/platform$': '<rootDir>/libs/platform/src/index.ts',
  '^@caredispatch/testing$': '<rootDir>/libs/testing/src/index.ts',
  '^@caredispatch/optimizer$': '<rootDir>/libs/optimizer/src/index.ts',
};

const swcTransform: Config['transform'] = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
    },
  ],
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: swcTransform,
  moduleNameMapper: aliases,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

const config: Config = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services}/**/*.integration-spec.ts'],
      testTimeout: 60_000,
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      testTimeout: 120_000,
    },
  ],
};

export default config;
