import { ConfigError } from '@caredispatch/platform';
import { OFFLINE_OIDC_ENVIRONMENT, phiEnvironment } from '@caredispatch/testing';

import { loadMessagingConfig } from './config';

const validEnv = {
  DATABASE_URL: 'postgres://caredispatch_messaging@127.0.0.1:5432/caredispatch_messaging',
  KAFKA_BROKERS: '127.0.0.1:9092',
  ...OFFLINE_OIDC_ENVIRONMENT,
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'secret-token',
  LINK_TOKEN_SECRET: 'link-key-0123456789abcdef0123456789abcdef',
  TWILIO_FROM_NUMBER: '+15005550006',
  PUBLIC_BASE_URL: 'https://messaging.example.org/',
  LINK_BASE_URL: 'https://cd.example',
  ...phiEnvironment(),
};

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadMessagingConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe(loadMessagingConfig.name, () => {
  it('should apply defaults and normalise the public URL', () => {
    const sut = loadMessagingConfig(validEnv);

    expect(sut).toMatchObject({
      HTTP_PORT: 3003,
      PUBLIC_BASE_URL: 'https://messaging.example.org',
      KAFKA_CONSUMER_GROUP: 'messaging',
      KAFKA_CONSUMER_FROM_BEGINNING: true,
      CONFIRMATION_MIN_LEAD_MS: 0,
    });
    expect(sut.TWILIO_API_BASE_URL).toBeUndefined();
    expect(sut.PRACTICE_NAMES.size).toBe(0);
  });

  it('should refuse a link origin too long for a one-segment text, naming LINK_BASE_URL', () => {
    const { LINK_BASE_URL: _unset, ...withoutLinkOrigin } = validEnv;

    expect(problemsOf(withoutLinkOrigin)).toEqual([
      expect.stringMatching(/^LINK_BASE_URL: .*at most 24 characters.*PUBLIC_BASE_URL is 29$/),
    ]);
    expect(problemsOf({ ...validEnv, LINK_BASE_URL: 'https://go.cd-health.org' })).toEqual([]);
    expect(problemsOf({ ...validEnv, LINK_BASE_URL: 'https://go.cd-healthy.org' })).toHaveLength(1);
  });

  it('should name each missing or malformed variable without echoing secrets', () => {
    const sut = problemsOf({
      ...validEnv,
      TWILIO_ACCOUNT_SID: 'nope',
      TWILIO_AUTH_TOKEN: undefined,
      TWILIO_FROM_NUMBER: '5551234',
      PRACTICE_NAMES: '{not json',
    });

    expect(sut.map((problem) => problem.split(':')[0]).sort()).toEqual(
      ['PRACTICE_NAMES', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'].sort(),
    );
  });

  it('should refuse a sender lease that a slow Twilio call could outlive', () => {
    const sut = problemsOf({
      ...validEnv,
      TWILIO_REQUEST_TIMEOUT_MS: '20000',
      SENDER_LEASE_MS: '30000',
    });

    expect(sut).toEqual([expect.stringMatching(/^SENDER_LEASE_MS: /) as unknown]);
  });

  it('should refuse a negative minimum lead for confirmations', () => {
    const sut = problemsOf({ ...validEnv, CONFIRMATION_MIN_LEAD_MS: '-1' });

    expect(sut).toEqual([expect.stringMatching(/^CONFIRMATION_MIN_LEAD_MS: /) as unknown]);
  });

  it('should read per-tenant practice names', () => {
    const sut = loadMessagingConfig({ ...validEnv, PRACTICE_NAMES: '{"acme":"Acme Clinic"}' });

    expect(sut.PRACTICE_NAMES.get('acme')).toBe('Acme Clinic');
  });

  it('should keep the Twilio auth token and database URL out of a config dump', () => {
    const sut = loadMessagingConfig(validEnv);

    expect(JSON.stringify(sut)).not.toContain('secret-token');
    expect(JSON.stringify(sut)).not.toContain('caredispatch_messaging@');
    expect(sut.TWILIO_AUTH_TOKEN.reveal()).toBe('secret-token');
  });

  it('should refuse an over-long practice name as ehr-gateway does', () => {
    const sut = problemsOf({ ...validEnv, PRACTICE_NAMES: `{"acme":"${'A'.repeat(61)}"}` });

    expect(sut).toEqual(['PRACTICE_NAMES: value for tenant "acme" must be at most 60 characters']);
  });
});
