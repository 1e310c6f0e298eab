import { dirname, join, resolve } from 'node:path';

import ts from 'typescript';

const libSource = resolve(__dirname);
const repoRoot = resolve(libSource, '../../..');

/**
 * Emits the declarations of libs/kafka's public entry point in memory and follows every
 * relative import/export from index.d.ts: what a caller can name through the API.
 */
function publicDeclarations(): Map<string, string> {
  const config = ts.readConfigFile(join(repoRoot, 'tsconfig.base.json'), (path) =>
    ts.sys.readFile(path),
  );
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  const emitted = new Map<string, string>();
  const program = ts.createProgram([join(libSource, 'index.ts')], {
    ...options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationDir: join(repoRoot, 'tmp/public-api-check'),
    rootDir: repoRoot,
  });
  program.emit(undefined, (fileName, text) => emitted.set(resolve(fileName), text));

  const outDir = join(repoRoot, 'tmp/public-api-check/libs/kafka/src');
  const reached = new Map<string, string>();
  const pending = [join(outDir, 'index.d.ts')];
  while (pending.length > 0) {
    const file = pending.pop() ?? '';
    const text = emitted.get(file);
    if (text === undefined || reached.has(file)) continue;
    reached.set(file, text);
    for (const [, specifier] of text.matchAll(/from '(\.[^']+)'|import\("(\.[^"]+)"\)/g)) {
      if (specifier) pending.push(resolve(dirname(file), `${specifier.replace(/\.js$/, '')}.d.ts`));
    }
    for (const [, specifier] of text.matchAll(/import\("(\.[^"]+)"\)/g)) {
      if (specifier) pending.push(resolve(dirname(file), `${specifier}.d.ts`));
    }
  }
  return reached;
}

describe('@caredispatch/kafka public API', () => {
  it('should not expose a kafkajs type anywhere a caller can reach', () => {
    const sut = publicDeclarations();

    const leaking = [...sut]
      .filter(([, text]) => /['"]kafkajs['"]/.test(text))
      .map(([file]) => file.replace(`${repoRoot}/tmp/public-api-check/`, ''));
    expect(sut.size).toBeGreaterThan(10);
    expect(leaking).toEqual([]);
  });
});
