import { countSmsSegments } from '../reminders/planning/sms-segments';

import { renderWriteBackNotice, WriteBackNotice } from './write-back-notice';

describe(renderWriteBackNotice.name, () => {
  // The longest link the configuration allows (a 24-character origin).
  const link = `https://go.cd-health.org/a/${'A'.repeat(22)}`;

  it.each([
    [WriteBackNotice.SlotTaken, 'en'],
    [WriteBackNotice.ChangedByOffice, 'en'],
    [WriteBackNotice.SlotTaken, 'es'],
    [WriteBackNotice.ChangedByOffice, 'es'],
  ] as const)(
    'should keep a %s notice in %s to one GSM-7 segment with the longest link and time, shortening the practice',
    (notice, language) => {
      const sut = renderWriteBackNotice({
        notice,
        language,
        practiceName: 'Northern Valley Comprehensive Family Medicine and Pediatrics Associates',
        // The longest local time rendering: a GMT+hh:mm zone.
        start: new Date('2026-09-30T02:00:00Z'),
        timeZone: 'Australia/Lord_Howe',
        link,
      });

      expect(countSmsSegments(sut)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
      expect(sut.startsWith('Northern Val')).toBe(true);
      expect(sut.endsWith(` ${link}`)).toBe(true);
    },
  );

  it('should say the visit stays at its time when the picked slot was taken', () => {
    const sut = renderWriteBackNotice({
      notice: WriteBackNotice.SlotTaken,
      practiceName: 'Acme Family Practice',
      start: new Date('2026-03-10T13:30:00Z'),
      timeZone: 'America/New_York',
      link,
    });

    expect(sut).toBe(
      `Acme Family Practice: that time was just taken; your visit stays Tue, Mar 10 at 9:30 AM EDT. Pick another: ${link}`,
    );
  });

  it('should write to a Spanish-speaking patient in Spanish', () => {
    const sut = renderWriteBackNotice({
      notice: WriteBackNotice.SlotTaken,
      practiceName: 'Acme Family Practice',
      start: new Date('2026-03-10T13:30:00Z'),
      timeZone: 'America/New_York',
      link,
      language: 'es',
    });

    expect(sut).toMatch(
      /^Acme Family Practice: esa hora ya se ocupo; su cita sigue el mar 10 mar\.? a las 9:30 EDT\. Elija otra: /,
    );
  });
});
