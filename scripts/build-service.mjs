// Compiles one service and the libraries it uses into dist/services/<name>/ with swc,
// rewriting the @caredispatch/* aliases to relative paths, so the container runs
// `node dist/services/<name>/main.js` without a TypeScript loader.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { transformFileSync } from '@swc/core';

const service = process.argv[2];
if (!service || !existsSync(`services/${service}/src/main.ts`)) {
  console.error(
    `usage: node scripts/build-service.mjs <service>  (no services/${service}/src/main.ts)`,
  );
  process.exit(2);
}
const root = process.cwd();
const outDir = join(root, 'dist/services', service);
const isTestFile = (path) =>
  /\.(spec|integration-spec|e2e-spec)\.ts$/.test(path) ||
  /[/\\](test|testing|test-support)[/\\]/.test(path);

// The aliases' one source is tsconfig.base.json. Test support (@caredispatch/testing, libs/testing)
// is never part of an image: lint keeps it out of production code, and this build refuses it.
const TEST_SUPPORT = '@caredispatch/testing';
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths).filter(([alias]) => alias !== TEST_SUPPORT),
);
// Every library an alias names (auth, phi-crypto, … as they are added), not a hand-kept list that
// missed some and left images unable to start.
const sources = [
  `services/${service}/src`,
  ...Object.values(paths).map(([target]) => dirname(target)),
];

function* typescriptFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* typescriptFiles(path);
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts') && !isTestFile(path)) yield path;
  }
}

rmSync(outDir, { recursive: true, force: true });
let count = 0;
for (const source of sources) {
  for (const file of typescriptFiles(join(root, source))) {
    const { code, map } = transformFileSync(file, {
      swcrc: false,
      sourceMaps: true,
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
        baseUrl: root,
        paths,
      },
      module: { type: 'commonjs' },
    });
    if (code.includes(TEST_SUPPORT) || code.includes('libs/testing/')) {
      console.error(`${relative(root, file)} imports test support; it cannot ship in an image`);
      process.exit(1);
    }
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${target}.map`, map);
    count += 1;
  }
}
writeFileSync(join(outDir, 'main.js'), `require('./services/${service}/src/main.js');\n`);
console.log(
  `built ${count} files into ${relative(root, resolve(outDir))}; entry dist/services/${service}/main.js`,
);
