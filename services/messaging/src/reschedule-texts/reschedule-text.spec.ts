import { countSmsSegments } from '../reminders/planning/sms-segments';

import { renderRescheduleText } from './reschedule-text';

const LINK = 'https://links.caredispatch.example/a/AbCdEfGhIjKlMnOpQrStUv';

describe('renderRescheduleText', () => {
  it('should name the practice and carry the link, nothing about the visit', () => {
    const text = renderRescheduleText({ practiceName: 'Acme Family Practice', link: LINK });

    expect(text).toBe(
      `Acme Family Practice: we must reschedule your visit. New time or cancel: ${LINK} Reply STOP to opt out.`,
    );
  });

  it('should write Spanish for a Spanish-speaking patient', () => {
    const text = renderRescheduleText({ practiceName: 'Acme', link: LINK, language: 'es' });

    expect(text).toBe(
      `Acme: debemos cambiar su cita. Nueva hora o cancelar: ${LINK} Responda STOP para baja.`,
    );
  });

  it.each(['en', 'es'] as const)(
    'should stay within one GSM-7 segment with a long practice name (%s)',
    (language) => {
      const text = renderRescheduleText({
        practiceName: 'Northwest Regional Home Health and Hospice Services of Greater Portland',
        link: LINK,
        language,
      });

      expect(countSmsSegments(text)).toEqual(
        expect.objectContaining({ encoding: 'GSM-7', segments: 1 }),
      );
      expect(text).toContain(LINK);
    },
  );

  it('should fall back to a neutral sender when the practice has no name', () => {
    expect(renderRescheduleText({ practiceName: ' \u0007 ', link: LINK })).toMatch(
      /^Your care team: /,
    );
  });
});
