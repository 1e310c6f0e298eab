import { randomUUID } from 'node:crypto';

import {
  digestsEqual,
  isItineraryTokenShaped,
  itineraryLinkExpiry,
  itineraryLinkKey,
  itineraryLinkToken,
  itineraryTokenDigest,
} from './itinerary-link-token';

describe('itinerary link tokens', () => {
  const key = itineraryLinkKey('itinerary-link-key-0123456789abcdef0123');

  it('should derive a 22-character base64url token (128 bits) per delivery, the same on every attempt', () => {
    const deliveryId = randomUUID();

    const sut = itineraryLinkToken(key, deliveryId);

    expect(sut).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(sut, 'base64url')).toHaveLength(16);
    expect(itineraryLinkToken(key, deliveryId)).toBe(sut);
    expect(itineraryLinkToken(key, randomUUID())).not.toBe(sut);
  });

  it('should give another token for the same delivery under another key (rotation kills old links)', () => {
    const deliveryId = randomUUID();
    const other = itineraryLinkKey('another-itinerary-link-key-0123456789abc');

    expect(itineraryLinkToken(other, deliveryId)).not.toBe(itineraryLinkToken(key, deliveryId));
  });

  it('should store a keyed digest that is not the token and matches only the same token', () => {
    const token = itineraryLinkToken(key, randomUUID());

    const sut = itineraryTokenDigest(key, token);

    expect(sut).toHaveLength(32);
    expect(sut.toString('base64url')).not.toContain(token);
    expect(digestsEqual(sut, itineraryTokenDigest(key, token))).toBe(true);
    expect(
      digestsEqual(sut, itineraryTokenDigest(key, itineraryLinkToken(key, randomUUID()))),
    ).toBe(false);
    expect(digestsEqual(sut, sut.subarray(0, 16))).toBe(false);
  });

  it('should accept only token-shaped strings', () => {
    expect(isItineraryTokenShaped(itineraryLinkToken(key, randomUUID()))).toBe(true);
    expect(isItineraryTokenShaped(randomUUID())).toBe(false);
    expect(isItineraryTokenShaped('short')).toBe(false);
    expect(isItineraryTokenShaped('abc/def+ghi=jklmnopqrs')).toBe(false);
  });

  it('should expire a link at the midnight after its last practice day, in the practice zone', () => {
    const sut = itineraryLinkExpiry(['2026-12-08', '2026-12-07'], 'America/Chicago');

    expect(sut.toISOString()).toBe('2026-12-09T06:00:00.000Z');
  });
});
