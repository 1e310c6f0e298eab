import { z } from 'zod';

import { ConfigError, loadConfig } from './load-config';
import { practiceNamesSchema } from './tenant-settings';

const schema = z.object({ PRACTICE_NAMES: practiceNamesSchema });

function problemsOf(value: string): readonly string[] {
  try {
    loadConfig(schema, { PRACTICE_NAMES: value });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('practiceNamesSchema', () => {
  it('should map each tenant to its trimmed practice name', () => {
    const sut = loadConfig(schema, {
      PRACTICE_NAMES: '{"acme":"  Acme Family Practice ","north-2":"Northside Clinic"}',
    });

    expect([...sut.PRACTICE_NAMES]).toEqual([
      ['acme', 'Acme Family Practice'],
      ['north-2', 'Northside Clinic'],
    ]);
  });

  it.each([undefined, '', '   '])('should read %p as no practice names', (value) => {
    const sut = loadConfig(schema, { PRACTICE_NAMES: value });

    expect(sut.PRACTICE_NAMES.size).toBe(0);
  });

  it.each([
    ['{not json', 'PRACTICE_NAMES: must be a JSON object of tenantId → practice name'],
    ['["acme"]', 'PRACTICE_NAMES: must be a JSON object of tenantId → practice name'],
    [
      '{"bad tenant":"Acme"}',
      'PRACTICE_NAMES: tenant id "bad tenant" must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$',
    ],
    ['{"acme":"  "}', 'PRACTICE_NAMES: value for tenant "acme" must be a non-empty string'],
    ['{"acme":42}', 'PRACTICE_NAMES: value for tenant "acme" must be a non-empty string'],
    [
      `{"acme":"${'A'.repeat(61)}"}`,
      'PRACTICE_NAMES: value for tenant "acme" must be at most 60 characters',
    ],
  ])('should refuse %s and say why', (value, problem) => {
    const sut = problemsOf(value);

    expect(sut).toEqual([problem]);
  });

  it('should accept a name of exactly 60 characters', () => {
    const sut = loadConfig(schema, { PRACTICE_NAMES: `{"acme":"${'A'.repeat(60)}"}` });

    expect(sut.PRACTICE_NAMES.get('acme')).toHaveLength(60);
  });
});
