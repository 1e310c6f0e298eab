import { countSmsSegments } from '../reminders/planning/sms-segments';

import { ConfirmationKind, formatLocalStart, renderConfirmationText } from './confirmation-text';

describe(renderConfirmationText.name, () => {
  const render = (start: string, timeZone: string, kind = ConfirmationKind.Booked): string =>
    renderConfirmationText({
      kind,
      practiceName: 'Acme Family Practice',
      start: new Date(start),
      timeZone,
    });

  it('should state the practice, the local time and a short instruction', () => {
    const sut = render('2026-03-10T13:30:00Z', 'America/New_York');

    expect(sut).toBe(
      'Acme Family Practice: your appointment is confirmed for Tue, Mar 10 at 9:30 AM EDT. ' +
        'Please arrive 10 minutes early. Reply STOP to opt out.',
    );
  });

  it('should say the appointment moved when it was rescheduled', () => {
    const sut = render('2026-03-10T13:30:00Z', 'America/New_York', ConfirmationKind.Rescheduled);

    expect(sut).toContain('your appointment has been moved to Tue, Mar 10 at 9:30 AM EDT.');
  });

  it('should fall back to a generic name when the practice name is blank', () => {
    const sut = renderConfirmationText({
      kind: ConfirmationKind.Booked,
      practiceName: ' \u0007 ',
      start: new Date('2026-03-10T13:30:00Z'),
      timeZone: 'America/New_York',
    });

    expect(sut.startsWith('Your care team: ')).toBe(true);
  });

  it('should shorten a very long practice name so the text stays short', () => {
    const sut = renderConfirmationText({
      kind: ConfirmationKind.Booked,
      practiceName: 'A'.repeat(200),
      start: new Date('2026-03-10T13:30:00Z'),
      timeZone: 'America/New_York',
    });

    expect(sut.indexOf(':')).toBeLessThanOrEqual(60);
  });
});

describe(formatLocalStart.name, () => {
  it.each([
    // US DST starts 2026-03-08: the same 9:30 local is 14:30Z before and 13:30Z after.
    ['2026-03-06T14:30:00Z', 'America/New_York', 'Fri, Mar 6 at 9:30 AM EST'],
    ['2026-03-09T13:30:00Z', 'America/New_York', 'Mon, Mar 9 at 9:30 AM EDT'],
    // US DST ends 2026-11-01.
    ['2026-11-02T14:30:00Z', 'America/New_York', 'Mon, Nov 2 at 9:30 AM EST'],
    ['2026-07-01T16:00:00Z', 'America/Los_Angeles', 'Wed, Jul 1 at 9:00 AM PDT'],
    // Arizona keeps standard time all year.
    ['2026-07-01T16:00:00Z', 'America/Phoenix', 'Wed, Jul 1 at 9:00 AM MST'],
    // Europe switches on a different Sunday (2026-03-29) than the US.
    ['2026-03-27T08:00:00Z', 'Europe/Berlin', 'Fri, Mar 27 at 9:00 AM GMT+1'],
    ['2026-03-30T07:00:00Z', 'Europe/Berlin', 'Mon, Mar 30 at 9:00 AM GMT+2'],
    // Southern hemisphere: Sydney leaves DST on 2026-04-05.
    ['2026-04-02T22:00:00Z', 'Australia/Sydney', 'Fri, Apr 3 at 9:00 AM GMT+11'],
    ['2026-04-06T23:00:00Z', 'Australia/Sydney', 'Tue, Apr 7 at 9:00 AM GMT+10'],
    // The UTC date differs from the local date.
    ['2026-03-11T03:30:00Z', 'America/Los_Angeles', 'Tue, Mar 10 at 8:30 PM PDT'],
  ])('should render %s in %s as "%s"', (instant, zone, expected) => {
    const sut = formatLocalStart(new Date(instant), zone);

    expect(sut).toBe(expected);
  });

  it('should refuse an unknown zone instead of silently using UTC', () => {
    expect(() => formatLocalStart(new Date('2026-03-10T13:30:00Z'), 'Mars/Olympus_Mons')).toThrow(
      RangeError,
    );
  });
});

describe('renderConfirmationText with a one-tap link', () => {
  const link = `https://cd.example.org/a/${'A'.repeat(22)}`;

  it('should carry the link and stay one GSM-7 segment for a typical practice', () => {
    const sut = renderConfirmationText({
      kind: ConfirmationKind.Booked,
      practiceName: 'Acme Family Practice',
      start: new Date('2026-03-10T13:30:00Z'),
      timeZone: 'America/New_York',
      link,
    });

    expect(sut).toBe(
      `Acme Family Practice: your visit is Tue, Mar 10 at 9:30 AM EDT. Confirm or change: ${link} Reply STOP to opt out.`,
    );
    expect(countSmsSegments(sut)).toEqual({ encoding: 'GSM-7', units: sut.length, segments: 1 });
  });

  it.each([ConfirmationKind.Booked, ConfirmationKind.Rescheduled])(
    'should shorten a long practice name rather than split a %s text into two segments',
    (kind) => {
      const sut = renderConfirmationText({
        kind,
        practiceName: 'Northern Valley Comprehensive Family Medicine and Pediatrics Associates',
        // The longest local time rendering: two-digit day and hour, a GMT+hh:mm zone.
        start: new Date('2026-09-30T02:00:00Z'),
        timeZone: 'Australia/Lord_Howe',
        // The longest link that always fits: a 24-character origin (see LINK_BASE_URL).
        link: `https://go.cd-health.org/a/${'A'.repeat(22)}`,
      });

      expect(countSmsSegments(sut).segments).toBe(1);
      expect(countSmsSegments(sut).encoding).toBe('GSM-7');
      expect(sut.startsWith('Northern Val')).toBe(true);
      expect(sut).toContain(`/a/${'A'.repeat(22)} Reply STOP to opt out.`);
    },
  );
});

describe('renderConfirmationText in Spanish', () => {
  it('should write the linked confirmation in Spanish, in one GSM-7 segment, accents folded', () => {
    const link = `https://cd.example.org/a/${'A'.repeat(22)}`;

    const sut = renderConfirmationText({
      kind: ConfirmationKind.Booked,
      practiceName: 'Acme Family Practice',
      // A Saturday: "sáb" is not GSM-7 and is folded to "sab".
      start: new Date('2026-03-14T13:30:00Z'),
      timeZone: 'America/New_York',
      link,
      language: 'es',
    });

    expect(sut).toMatch(
      /^Acme Family Practice: su cita es el sab 14 mar\.? a las 9:30 EDT\. Confirme o cambie: /,
    );
    expect(sut).toContain(`${link} Responda STOP para baja.`);
    expect(countSmsSegments(sut)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it.each([ConfirmationKind.Booked, ConfirmationKind.Rescheduled])(
    'should keep a %s text with the longest practice, time and link in one segment',
    (kind) => {
      const sut = renderConfirmationText({
        kind,
        practiceName: 'Northern Valley Comprehensive Family Medicine and Pediatrics Associates',
        start: new Date('2026-09-30T02:00:00Z'),
        timeZone: 'Australia/Lord_Howe',
        link: `https://go.cd-health.org/a/${'A'.repeat(22)}`,
        language: 'es',
      });

      expect(countSmsSegments(sut)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
      expect(sut).toContain('Responda STOP para baja.');
    },
  );

  it('should write the unlinked confirmation in Spanish', () => {
    const sut = renderConfirmationText({
      kind: ConfirmationKind.Rescheduled,
      practiceName: '',
      start: new Date('2026-03-10T13:30:00Z'),
      timeZone: 'America/New_York',
      language: 'es',
    });

    expect(sut).toMatch(
      /^Su consultorio: su cita se ha cambiado al mar 10 mar\.? a las 9:30 EDT\. /,
    );
  });
});
