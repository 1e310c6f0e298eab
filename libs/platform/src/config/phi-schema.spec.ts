import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import { ConfigError, loadConfig } from './load-config';
import { phiConfigSchema } from './phi-schema';

const kek = randomBytes(32).toString('base64');
const validEnv = {
  PHI_KEKS: JSON.stringify({ 'kek-2026-11': kek }),
  PHI_KEK_ID: 'kek-2026-11',
  PHI_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
};

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(phiConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('phiConfigSchema', () => {
  it('should hold the keys as secrets that never print', () => {
    const sut = loadConfig(phiConfigSchema, validEnv);

    expect(sut.PHI_KEKS.reveal()).toEqual({ 'kek-2026-11': kek });
    expect(sut.PHI_KEY_MAINTENANCE_INTERVAL_MS).toBe(3_600_000);
    expect(`${inspect(sut)} ${JSON.stringify(sut)}`).not.toContain(kek);
  });

  it.each([
    [
      'a short KEK',
      { PHI_KEKS: JSON.stringify({ k: randomBytes(16).toString('base64') }) },
      'PHI_KEKS',
    ],
    ['no KEK at all', { PHI_KEKS: '{}' }, 'PHI_KEKS'],
    ['KEKs that are not JSON', { PHI_KEKS: kek }, 'PHI_KEKS'],
    ['a short blind index key', { PHI_BLIND_INDEX_KEY: 'c2hvcnQ=' }, 'PHI_BLIND_INDEX_KEY'],
  ])('should refuse %s, naming the variable and never the value', (_, override, variable) => {
    const problems = problemsOf({ ...validEnv, ...override });

    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${variable}: `))]);
    expect(problems.join(' ')).not.toContain(kek);
  });
});
