import { LINK_MAX_CHARS } from '../links/link-token';
import { countSmsSegments } from '../reminders/planning/sms-segments';

import { offerSendTime } from './offer-send-time';
import { OfferOutcomeKind, renderOfferOutcomeText, renderOfferText } from './offer-text';

const base = {
  practiceName: 'Acme Family Practice',
  // Tue 1 Dec 2026 10:00 in New York (EST).
  start: new Date('2026-12-01T15:00:00Z'),
  timeZone: 'America/New_York',
  locationName: 'Main St Clinic',
  holdUntil: new Date('2026-11-30T19:15:00Z'),
};

describe(renderOfferText.name, () => {
  it('should say the local day, time, place and how to take it', () => {
    expect(renderOfferText(base)).toBe(
      'Acme Family Practice: an earlier visit is open Tue, Dec 1 at 10:00 AM EST at Main St Clinic. Reply YES by 2:15 PM to take it.',
    );
  });

  it('should stay one GSM-7 segment with long, accented names', () => {
    const sut = renderOfferText({
      ...base,
      practiceName: 'Clínica Familiar de São Paulo y Asociados — Medicina General',
      locationName: 'Centro Médico Ñuñoa, Edificio Norte, Piso 14, Oficina 1402 ✚',
    });

    expect(countSmsSegments(sut)).toEqual(
      expect.objectContaining({ encoding: 'GSM-7', segments: 1 }),
    );
    expect(sut).toContain('Reply YES by 2:15 PM to take it.');
    expect(sut).toContain('Clinica Familiar de Sao Paulo');
  });

  it('should carry the accept link and still ask for YES', () => {
    expect(
      renderOfferText({ ...base, locationName: '', acceptUrl: 'https://cd.example/o/TOKEN' }),
    ).toBe(
      'Acme Family Practice: earlier visit open Tue, Dec 1 at 10:00 AM EST. Reply YES by 2:15 PM or tap https://cd.example/o/TOKEN',
    );
  });

  it('should keep the longest link, practice and time in one GSM-7 segment, the place dropped first', () => {
    const longestLink = `https://${'x'.repeat(16)}/o/${'A'.repeat(22)}`;
    expect(longestLink).toHaveLength(LINK_MAX_CHARS);
    const sut = renderOfferText({
      ...base,
      practiceName: 'A'.repeat(60),
      locationName: 'B'.repeat(60),
      // Sun 29 Nov 2026 12:30 in Anchorage (AKST): a long local time.
      start: new Date('2026-11-29T21:30:00Z'),
      timeZone: 'America/Anchorage',
      holdUntil: new Date('2026-11-29T21:45:00Z'),
      acceptUrl: longestLink,
    });

    expect(countSmsSegments(sut)).toEqual(
      expect.objectContaining({ encoding: 'GSM-7', segments: 1 }),
    );
    expect(sut).toContain(longestLink);
    expect(sut).toContain('Reply YES by 12:45 PM');
    expect(sut).not.toContain('BBB');
  });

  it('should leave the place out when there is none', () => {
    expect(renderOfferText({ ...base, locationName: '' })).toBe(
      'Acme Family Practice: an earlier visit is open Tue, Dec 1 at 10:00 AM EST. Reply YES by 2:15 PM to take it.',
    );
  });
});

describe(`${renderOfferText.name} in Spanish`, () => {
  const es = { ...base, language: 'es' as const };

  it('should say the local day, time, place and how to take it in Spanish', () => {
    expect(renderOfferText(es)).toBe(
      'Acme Family Practice: hay una cita antes disponible el mar 1 dic a las 10:00 EST en Main St Clinic. Responda SI antes de las 14:15 para tomarla.',
    );
  });

  it('should carry the accept link and ask for SI', () => {
    expect(
      renderOfferText({ ...es, locationName: '', acceptUrl: 'https://cd.example/o/TOKEN' }),
    ).toBe(
      'Acme Family Practice: cita libre mar 1 dic a las 10:00 EST. Responda SI hasta las 14:15 o toque https://cd.example/o/TOKEN',
    );
  });

  it('should keep the longest link, practice and Spanish time in one GSM-7 segment', () => {
    const longestLink = `https://${'x'.repeat(16)}/o/${'A'.repeat(22)}`;
    const sut = renderOfferText({
      ...es,
      practiceName: 'Clínica Familiar de São Paulo y Asociados — Medicina General',
      locationName: 'B'.repeat(60),
      // Wed 30 Sep 2026 12:30 in Anchorage (AKDT): "mié 30 sept a las 12:30 AKDT" (é is GSM-7).
      start: new Date('2026-09-30T20:30:00Z'),
      timeZone: 'America/Anchorage',
      holdUntil: new Date('2026-09-30T20:45:00Z'),
      acceptUrl: longestLink,
    });

    expect(countSmsSegments(sut)).toEqual(
      expect.objectContaining({ encoding: 'GSM-7', segments: 1 }),
    );
    expect(sut).toContain(longestLink);
    expect(sut).toContain('mié 30 sept a las 12:30');
    expect(sut).toContain('Responda SI hasta las 12:45');
    expect(sut.startsWith('Clinica Familiar')).toBe(true);
    expect(sut).not.toContain('BBB');
  });

  it('should tell the acceptor in Spanish, in one GSM-7 segment', () => {
    const booked = renderOfferOutcomeText(OfferOutcomeKind.Booked, es);
    const gone = renderOfferOutcomeText(OfferOutcomeKind.NoLongerAvailable, {
      ...es,
      practiceName: 'P'.repeat(60),
    });

    expect(booked).toBe(
      'Acme Family Practice: su cita queda reservada el mar 1 dic a las 10:00 EST en Main St Clinic. Responda STOP para baja.',
    );
    expect(gone).toContain('esta hora ya no esta disponible');
    for (const text of [booked, gone]) {
      expect(countSmsSegments(text)).toEqual(
        expect.objectContaining({ encoding: 'GSM-7', segments: 1 }),
      );
    }
  });

  it('should fall back to the Spanish practice name', () => {
    expect(renderOfferText({ ...es, practiceName: '' })).toMatch(/^Su consultorio: /);
  });
});

describe(renderOfferOutcomeText.name, () => {
  it('should confirm the booking with time and place in one segment', () => {
    const sut = renderOfferOutcomeText(OfferOutcomeKind.Booked, base);

    expect(sut).toBe(
      'Acme Family Practice: you are booked for Tue, Dec 1 at 10:00 AM EST at Main St Clinic. Reply STOP to opt out.',
    );
    expect(countSmsSegments(sut).segments).toBe(1);
  });

  it('should tell a late acceptor the time is gone and they stay on the list', () => {
    const sut = renderOfferOutcomeText(OfferOutcomeKind.NoLongerAvailable, base);

    expect(sut).toContain('this time is no longer available');
    expect(countSmsSegments(sut)).toEqual(
      expect.objectContaining({ encoding: 'GSM-7', segments: 1 }),
    );
  });
});

describe(offerSendTime.name, () => {
  const zone = 'America/New_York';

  it('should send at once during the day', () => {
    const now = new Date('2026-11-30T19:00:00Z'); // 14:00 local

    expect(
      offerSendTime({ now, holdUntil: new Date('2026-11-30T19:15:00Z'), timeZone: zone }),
    ).toEqual(now);
  });

  it('should wait for 08:00 local when the hold lasts past it', () => {
    const now = new Date('2026-12-01T11:30:00Z'); // 06:30 local

    expect(
      offerSendTime({ now, holdUntil: new Date('2026-12-01T13:30:00Z'), timeZone: zone }),
    ).toEqual(new Date('2026-12-01T13:00:00Z'));
  });

  it('should not send at all when the hold ends within quiet hours', () => {
    const now = new Date('2026-12-01T03:00:00Z'); // 22:00 local

    expect(
      offerSendTime({ now, holdUntil: new Date('2026-12-01T03:15:00Z'), timeZone: zone }),
    ).toBeNull();
  });
});
