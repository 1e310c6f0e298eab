import { randomBytes, randomUUID } from 'node:crypto';

import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token';

const key = randomBytes(32);
const now = new Date('2030-03-01T12:00:00Z');
const subject = { tenantId: 'clinic-a', patientId: randomUUID(), messageId: randomUUID() };
const inADay = new Date(now.getTime() + 24 * 60 * 60_000);

describe(verifyUnsubscribeToken.name, () => {
  it('should give back the subject of a token it signed, before it expires', () => {
    const sut = verifyUnsubscribeToken(key, signUnsubscribeToken(key, subject, inADay), now);

    expect(sut).toEqual({ valid: true, subject });
  });

  it('should refuse an expired token', () => {
    const token = signUnsubscribeToken(key, subject, inADay);

    expect(verifyUnsubscribeToken(key, token, inADay)).toEqual({
      valid: false,
      reason: 'expired',
    });
  });

  it('should refuse a token signed with another key or naming another patient', () => {
    const token = signUnsubscribeToken(key, subject, inADay);
    const [, signature] = token.split('.');
    const otherPatient = signUnsubscribeToken(key, { ...subject, patientId: randomUUID() }, inADay);
    const [otherPayload] = otherPatient.split('.');

    expect(verifyUnsubscribeToken(randomBytes(32), token, now)).toMatchObject({ reason: 'forged' });
    expect(verifyUnsubscribeToken(key, `${otherPayload}.${signature}`, now)).toMatchObject({
      reason: 'forged',
    });
  });

  it.each(['', 'abc', 'a.b.c', `${'x'.repeat(600)}.y`])(
    'should refuse the malformed token %j',
    (token) => {
      expect(verifyUnsubscribeToken(key, token, now).valid).toBe(false);
    },
  );

  it('should refuse a well-signed payload that does not name a tenant, patient and message', () => {
    const token = signUnsubscribeToken(key, { ...subject, patientId: 'not-a-uuid' }, inADay);

    expect(verifyUnsubscribeToken(key, token, now)).toEqual({ valid: false, reason: 'malformed' });
  });
});
