import { randomBytes } from 'node:crypto';

import { BlindIndex } from './blind-index';

const key = () => ({ reveal: () => randomBytes(32).toString('base64') });

describe(BlindIndex.name, () => {
  const sut = new BlindIndex(key());

  it('should give one number one hash within a tenant, so it can be looked up', () => {
    expect(sut.phoneLookupHash('clinic-a', '+15555550100')).toBe(
      sut.phoneLookupHash('clinic-a', '+15555550100'),
    );
    expect(sut.phoneLookupHash('clinic-a', '+15555550100')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should differ across tenants, numbers and keys', () => {
    const hash = sut.phoneLookupHash('clinic-a', '+15555550100');

    expect(sut.phoneLookupHash('clinic-b', '+15555550100')).not.toBe(hash);
    expect(sut.phoneLookupHash('clinic-a', '+15555550101')).not.toBe(hash);
    expect(new BlindIndex(key()).phoneLookupHash('clinic-a', '+15555550100')).not.toBe(hash);
  });

  it('should refuse a number that is not E.164 rather than hash a format variant', () => {
    expect(() => sut.phoneLookupHash('clinic-a', '(555) 555-0100')).toThrow(/E\.164/);
  });

  it('should hash one address alike across spellings that differ in case or spaces only', () => {
    const hash = sut.addressLookupHash('clinic-a', '12 Elm St, Springfield');

    expect(sut.addressLookupHash('clinic-a', '  12 elm st,   SPRINGFIELD ')).toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sut.addressLookupHash('clinic-b', '12 Elm St, Springfield')).not.toBe(hash);
    expect(sut.addressLookupHash('clinic-a', '14 Elm St, Springfield')).not.toBe(hash);
    // A phone and an address never share a hash, whatever their text.
    expect(sut.addressLookupHash('clinic-a', '+15555550100')).not.toBe(
      sut.phoneLookupHash('clinic-a', '+15555550100'),
    );
  });

  it('should refuse a blank address', () => {
    expect(() => sut.addressLookupHash('clinic-a', '   ')).toThrow(/blank/);
  });

  it('should refuse a short key', () => {
    expect(() => new BlindIndex({ reveal: () => randomBytes(16).toString('base64') })).toThrow(
      /at least 32 bytes/,
    );
  });
});
