import { renderOfferEmail } from './offer-email';

const base = {
  practiceName: 'Acme Family Practice',
  // Tue 1 Dec 2026 10:00 in New York (EST).
  start: new Date('2026-12-01T15:00:00Z'),
  timeZone: 'America/New_York',
  locationName: 'Main St Clinic',
  holdUntil: new Date('2026-11-30T19:15:00Z'),
  acceptUrl: 'https://x.example/o/AAAAAAAAAAAAAAAAAAAAAA',
};

describe(renderOfferEmail.name, () => {
  it('should say practice, local day and time, place, hold end and the accept link in English', () => {
    const sut = renderOfferEmail(base, 'en');

    expect(sut.subject).toBe(
      'Acme Family Practice: an earlier visit is open Tue, Dec 1 at 10:00 AM EST',
    );
    expect(sut.text).toBe(
      [
        'Acme Family Practice has an earlier visit open Tue, Dec 1 at 10:00 AM EST.',
        'Place: Main St Clinic',
        'We are holding it for you until 2:15 PM.',
        '',
        'To take it, open this link and press Accept:',
        'https://x.example/o/AAAAAAAAAAAAAAAAAAAAAA',
        '',
        'If you do not want it, ignore this email: you stay on our waitlist.',
      ].join('\n'),
    );
    expect(sut.html).toContain('<a href="https://x.example/o/AAAAAAAAAAAAAAAAAAAAAA">');
  });

  it('should write Spanish with the 24-hour local time', () => {
    const sut = renderOfferEmail(base, 'es');

    expect(sut.subject).toBe(
      'Acme Family Practice: hay una cita antes disponible el mar 1 dic a las 10:00 EST',
    );
    expect(sut.text).toContain('Lugar: Main St Clinic');
    expect(sut.text).toContain('Se la reservamos hasta las 14:15.');
  });

  it('should escape names in the HTML part, keep the subject on one line and leave out an unknown place', () => {
    const sut = renderOfferEmail(
      { ...base, practiceName: 'A&B <Clinic>\r\nBcc: x@y.example', locationName: '' },
      'en',
    );

    expect(sut.subject).not.toMatch(/[\r\n]/);
    expect(sut.html).toContain('A&#38;B &#60;Clinic&#62; Bcc: x@y.example');
    expect(sut.html).not.toContain('<Clinic>');
    expect(sut.text).not.toContain('Place:');
  });

  it('should name the care team when the practice is unknown', () => {
    expect(renderOfferEmail({ ...base, practiceName: ' ' }, 'es').subject).toMatch(
      /^Su equipo de atención: /,
    );
  });
});
