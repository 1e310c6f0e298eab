import { randomBytes } from 'node:crypto';

import {
  hashLinkToken,
  isLinkTokenShaped,
  LINK_TOKEN_LENGTH,
  newLinkToken,
  signFormToken,
  verifyFormToken,
} from './link-token';

describe('link tokens', () => {
  const key = randomBytes(32);

  it('should make 128-bit base64url tokens of 22 characters, never the same twice', () => {
    const sut = Array.from({ length: 1_000 }, () => newLinkToken());

    expect(new Set(sut).size).toBe(sut.length);
    for (const token of sut) {
      expect(token).toHaveLength(LINK_TOKEN_LENGTH);
      expect(isLinkTokenShaped(token)).toBe(true);
      expect(Buffer.from(token, 'base64url')).toHaveLength(16);
    }
  });

  it('should store a keyed digest: another key gives another digest', () => {
    const token = newLinkToken();

    const sut = hashLinkToken(key, token);

    expect(sut).toHaveLength(32);
    expect(sut.equals(hashLinkToken(key, token))).toBe(true);
    expect(sut.equals(hashLinkToken(randomBytes(32), token))).toBe(false);
  });
});

describe('form tokens', () => {
  const key = randomBytes(32);
  const link = hashLinkToken(key, newLinkToken());
  const now = new Date('2030-01-01T12:00:00Z');
  const maxAgeMs = 2 * 60 * 60_000;

  it('should accept the value rendered for this link while it is fresh', () => {
    const sut = signFormToken(key, link, now);

    expect(verifyFormToken(key, link, sut, new Date(now.getTime() + 60_000), maxAgeMs)).toBe(true);
  });

  it('should refuse the value rendered for another link', () => {
    const sut = signFormToken(key, link, now);

    expect(verifyFormToken(key, hashLinkToken(key, newLinkToken()), sut, now, maxAgeMs)).toBe(
      false,
    );
  });

  it.each([
    ['a tampered time', (token: string) => `1${token}`],
    [
      'a tampered MAC',
      (token: string) => `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`,
    ],
    ['garbage', () => 'not-a-form-token'],
  ])('should refuse %s', (_what, tamper) => {
    const sut = tamper(signFormToken(key, link, now));

    expect(verifyFormToken(key, link, sut, now, maxAgeMs)).toBe(false);
  });

  it('should refuse a value older than its maximum age or not a string', () => {
    const sut = signFormToken(key, link, now);

    expect(
      verifyFormToken(key, link, sut, new Date(now.getTime() + maxAgeMs + 1_000), maxAgeMs),
    ).toBe(false);
    expect(verifyFormToken(key, link, undefined, now, maxAgeMs)).toBe(false);
  });
});
