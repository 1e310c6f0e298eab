import { inspect } from 'node:util';

import { ConfigError } from '@caredispatch/platform';
import { OFFLINE_OIDC_ENVIRONMENT, phiEnvironment } from '@caredispatch/testing';

import { loadEhrGatewayConfig } from './config';

const KEY = Buffer.alloc(32, 7);
const SECRET = `whsec_${KEY.toString('base64')}`;

const validEnv = {
  DATABASE_URL: 'postgres://gateway:db-password@127.0.0.1:5432/caredispatch_ehr_gateway',
  KAFKA_BROKERS: '127.0.0.1:9092',
  ...OFFLINE_OIDC_ENVIRONMENT,
  EHR_WEBHOOK_SECRETS: JSON.stringify({ acme: SECRET }),
  ...phiEnvironment(),
};

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadEhrGatewayConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe(loadEhrGatewayConfig.name, () => {
  it('should hand out a tenant webhook key only through reveal()', () => {
    const sut = loadEhrGatewayConfig(validEnv);

    expect(sut.EHR_WEBHOOK_SECRETS.keyFor('acme')?.reveal()).toEqual(KEY);
  });

  it('should keep webhook keys and the database password out of JSON and inspect dumps', () => {
    const sut = loadEhrGatewayConfig(validEnv);

    const dumps = [JSON.stringify(sut), inspect(sut, { depth: 10 })];

    for (const dump of dumps) {
      expect(dump).not.toContain(KEY.toString('base64'));
      expect(dump).not.toContain('db-password');
    }
  });

  it('should read practice names with the shared rules', () => {
    const sut = loadEhrGatewayConfig({ ...validEnv, PRACTICE_NAMES: '{"acme":" Acme Clinic "}' });

    expect(sut.PRACTICE_NAMES.get('acme')).toBe('Acme Clinic');
  });

  it('should refuse an over-long practice name as messaging does', () => {
    const sut = problemsOf({ ...validEnv, PRACTICE_NAMES: `{"acme":"${'A'.repeat(61)}"}` });

    expect(sut).toEqual(['PRACTICE_NAMES: value for tenant "acme" must be at most 60 characters']);
  });

  describe('EHR connections', () => {
    const PEM = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';
    const connection = {
      fhirBaseUrl: 'https://ehr.example/fhir',
      tokenUrl: 'https://ehr.example/auth/token',
      clientId: 'caredispatch',
      keyId: 'key-1',
    };

    it('should default the write-back conventions and keep the private key out of dumps', () => {
      const sut = loadEhrGatewayConfig({
        ...validEnv,
        EHR_CONNECTIONS: JSON.stringify({ acme: connection }),
        EHR_PRIVATE_KEYS: JSON.stringify({ acme: PEM }),
      });

      expect(sut.EHR_CONNECTIONS.get('acme')).toMatchObject({
        algorithm: 'RS384',
        confirmationMarker: { type: 'none' },
        rescheduleMode: 'update',
      });
      expect(JSON.stringify(sut)).not.toContain('MIIB');
      expect(inspect(sut, { depth: 10 })).not.toContain('MIIB');
    });

    it('should refuse a tenant connection without its private key', () => {
      expect(
        problemsOf({ ...validEnv, EHR_CONNECTIONS: JSON.stringify({ acme: connection }) }),
      ).toEqual(['EHR_PRIVATE_KEYS: every tenant of EHR_CONNECTIONS needs a private key']);
    });

    it('should name the tenant and field of an invalid connection', () => {
      const problems = problemsOf({
        ...validEnv,
        EHR_CONNECTIONS: JSON.stringify({ acme: { ...connection, algorithm: 'HS256' } }),
        EHR_PRIVATE_KEYS: JSON.stringify({ acme: PEM }),
      });

      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^EHR_CONNECTIONS: tenant "acme": algorithm /);
    });
  });
});
