import { z } from 'zod';

import { commonConfigShape } from './common-schema';
import { ConfigError, loadConfig } from './load-config';

const schema = z.object({ ...commonConfigShape, API_TOKEN: z.string().min(16) });

const validEnv = {
  HTTP_PORT: '3001',
  DATABASE_URL: 'postgres://svc:secret@127.0.0.1:5432/svc',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9092',
  OIDC_ISSUER_URL: 'https://idp.example.org/realms/caredispatch',
  OIDC_AUDIENCE: 'https://api.caredispatch.example',
  API_TOKEN: 'a-very-secret-token-value',
};

describe(loadConfig.name, () => {
  it('should parse and coerce a valid environment', () => {
    const sut = loadConfig(schema, validEnv);

    expect(sut.HTTP_PORT).toBe(3001);
    expect(sut.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.2:9092']);
    expect(sut.OUTBOX_RELAY_ENABLED).toBe(true);
    expect(sut.LOG_LEVEL).toBe('info');
  });

  it('should name every bad variable and never echo a value', () => {
    const env = {
      ...validEnv,
      HTTP_PORT: 'eighty',
      KAFKA_BROKERS: 'no-port',
      API_TOKEN: 'short-secret',
    };

    const error = captureError(() => loadConfig(schema, env));

    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'HTTP_PORT',
      'KAFKA_BROKERS',
      'API_TOKEN',
    ]);
    expect((error as ConfigError).message).not.toContain('short-secret');
  });

  it('should reject a flag that is neither "true" nor "false"', () => {
    const error = captureError(() =>
      loadConfig(schema, { ...validEnv, OUTBOX_RELAY_ENABLED: 'yes' }),
    );

    expect((error as ConfigError).problems).toEqual([
      'OUTBOX_RELAY_ENABLED: must be "true" or "false"',
    ]);
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
