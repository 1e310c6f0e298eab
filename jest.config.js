// One jest run, three tiers (STYLE.md): pure specs, integration against the real
// broker/database, and end-to-end tests that drive the running services.
// Plain JS so jest loads it without a TypeScript runtime.
const { compilerOptions } = require('./tsconfig.base.json');

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The @caredispatch/* aliases come from tsconfig.base.json `paths`, their one source:
 * `"@caredispatch/x": ["libs/x/src/index.ts"]` → `'^@caredispatch/x$': '<rootDir>/libs/x/src/index.ts'`.
 * @type {Record<string, string>}
 */
const aliases = Object.fromEntries(
  Object.entries(/** @type {Record<string, string[]>} */ (compilerOptions.paths)).map(
    ([alias, [target]]) => [`^${escapeRegExp(alias)}$`, `<rootDir>/${target}`],
  ),
);

const swcTransform = {
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

/**
 * ESM-only packages: Node (20.19+) loads them with require(esm) at run time, but jest's own module
 * loader does not, so jest compiles them to CommonJS.
 */
const esmOnlyPackages = ['jose', 'intl-messageformat', '@formatjs'];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { ...swcTransform, '^.+\\.js$': swcTransform['^.+\\.ts$'] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.map(escapeRegExp).join('|')})/)`],
  moduleNameMapper: aliases,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Per-project testTimeout is not honoured by jest; integration and e2e tests need real
  // broker round trips, so the global default is generous and pure specs stay fast anyway.
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services}/**/*.spec.ts', '<rootDir>/test/faults/**/*.spec.ts'],
      setupFiles: ['<rootDir>/jest.fast-check.setup.js'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services}/**/*.integration-spec.ts'],
      setupFiles: ['<rootDir>/test/support/worker-broker.setup.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/worker-broker.setup.ts'],
    },
  ],
};
