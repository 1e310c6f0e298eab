import { countSmsSegments, fitsOneGsm7Segment } from './sms-segments';

describe(countSmsSegments.name, () => {
  it('should count 160 GSM-7 characters as one segment and 161 as two', () => {
    expect(countSmsSegments('a'.repeat(160))).toEqual({
      encoding: 'GSM-7',
      units: 160,
      segments: 1,
    });
    expect(countSmsSegments('a'.repeat(161))).toEqual({
      encoding: 'GSM-7',
      units: 161,
      segments: 2,
    });
    expect(countSmsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('should count extension characters such as € and [ as two septets', () => {
    expect(countSmsSegments('€[]')).toEqual({ encoding: 'GSM-7', units: 6, segments: 1 });
  });

  it('should keep Spanish ñ, é and ¿ in GSM-7 but switch to UCS-2 for á', () => {
    expect(countSmsSegments('¿Mañana? Sí, él').encoding).toBe('UCS-2');
    expect(countSmsSegments('¿Mañana? él').encoding).toBe('GSM-7');
  });

  it('should count UCS-2 texts in UTF-16 units: 70 per single segment, 67 once split', () => {
    expect(countSmsSegments('á'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSmsSegments('á'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(countSmsSegments('👍').units).toBe(2);
  });

  it('should say whether a reminder fits one GSM-7 segment', () => {
    expect(fitsOneGsm7Segment('Reply 1 to confirm')).toBe(true);
    expect(fitsOneGsm7Segment('Reply 1 to confirm 👍')).toBe(false);
  });
});
