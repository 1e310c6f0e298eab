// Compiles one service and the libraries it uses into dist/ with swc, rewriting the
// @caredispatch/* aliases to relative paths so `node dist/services/<name>/src/main.js` runs
// without a TypeScript loader (what the container image executes).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

const service = process.argv[2];
if (!service || !existsSync(`services/${service}/src/main.ts`)) {
  console.error(
    `usage: node scripts/build-service.mjs <service>  (no services/${service}/src/main.ts)`,
  );
  process.exit(2);
}
const outDir = `dist/services/${service}`;
rmSync(outDir, { recursive: true, force: true });
const swcConfig = JSON.stringify({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
    baseUrl: process.cwd(),
    paths: {
      '@caredispatch/contracts': ['libs/contracts/src/index.ts'],
      '@caredispatch/kafka': ['libs/kafka/src/index.ts'],
      '@caredispatch/platform': ['libs/platform/src/index.ts'],
    },
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
});
execFileSync(
  'npx',
  [
    'swc',
    `services/${service}/src`,
    'libs/contracts/src',
    'libs/kafka/src',
    'libs/platform/src',
    '-d',
    outDir,
    '--config-json',
    swcConfig,
    '--ignore',
    '**/*.spec.ts,**/*.integration-spec.ts,**/testing/**',
    '--strip-leading-paths=false',
  ],
  { stdio: 'inherit' },
);
console.log(`built ${outDir}/services/${service}/src/main.js`);
