import { countSmsSegments } from '../planning/sms-segments';

import {
  checkTemplate,
  type ReminderFacts,
  renderEmail,
  renderSms,
  resolveEmailTemplate,
  resolveSmsTemplate,
  templateKey,
} from './reminder-templates';

const facts: ReminderFacts = {
  practice: 'Acme Family Practice',
  firstName: 'Ana',
  // Wednesday 2030-03-13 14:30 in Chicago (CDT, after the spring transition).
  start: new Date('2030-03-13T19:30:00Z'),
  timeZone: 'America/Chicago',
  locationName: 'Main St <Clinic>',
  locationAddress: '1 Main St, Springfield',
  link: '',
};
const none = new Map();

describe('reminder templates', () => {
  it.each([
    ['sms', 'en', 'reminder'],
    ['sms', 'en', 'reminder-today'],
    ['sms', 'es', 'reminder'],
    ['sms', 'es', 'reminder-today'],
  ] as const)(
    'should ship a %s %s %s template that fits one GSM-7 segment with the longest (49-character) link',
    (_channel, language, name) => {
      const template = resolveSmsTemplate(none, 'default', language, name);

      expect(template).toBeDefined();
      expect(template && checkTemplate('sms', language, template)).toBeNull();
    },
  );

  it.each(['en', 'es'] as const)(
    'should shorten the practice, then the first name, so a %s text with the longest link and names stays one segment',
    (language) => {
      const link = `https://go.cd-health.org/a/${'A'.repeat(22)}`;
      const texts = ['reminder', 'reminder-today'].map((name) =>
        renderSms(resolveSmsTemplate(none, 'default', language, name)!, language, {
          ...facts,
          practice: 'Northern Valley Comprehensive Family Medicine',
          firstName: 'Maximiliano Alejandro',
          link,
        }),
      );

      for (const text of texts) {
        expect(countSmsSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
        expect(text).toContain(` ${link} `);
        expect(text).toMatch(/Northern Val/);
        expect(text).toMatch(/Maxi/);
      }
    },
  );

  it('should render an English text in the location zone without clinical details', () => {
    const sut = renderSms(resolveSmsTemplate(none, 'default', 'en', 'reminder')!, 'en', facts);

    expect(sut).toBe(
      'Hi Ana, Acme Family Practice visit Wed, Mar 13 2:30 PM. Reply 1 confirm, 2 reschedule, 3 cancel. STOP=opt out',
    );
  });

  it('should render a Spanish text in GSM-7, folding accents GSM-7 lacks (María → Maria, é kept)', () => {
    const sut = renderSms(resolveSmsTemplate(none, 'default', 'es', 'reminder')!, 'es', {
      ...facts,
      firstName: 'María',
    });

    expect(sut).toBe(
      'Hola Maria, cita en Acme Family Practice el mié 13 mar 14:30. Responda 1 confirmar, 2 cambiar, 3 anular. STOP=baja',
    );
    expect(countSmsSegments(sut)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('should keep a text to one segment with very long names and the link filled in', () => {
    const sut = renderSms(resolveSmsTemplate(none, 'default', 'en', 'reminder')!, 'en', {
      ...facts,
      practice: 'The Extremely Long Named Family And Community Health Practice',
      firstName: 'Maximiliana-Josefina',
      link: 'https://cd.example/abcde',
    });

    expect(countSmsSegments(sut)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('should render an email with HTML-escaped values and accents kept', () => {
    const sut = renderEmail(resolveEmailTemplate(none, 'default', 'es', 'reminder')!, 'es', facts);

    expect(sut.subject).toBe('Recordatorio: su cita en Acme Family Practice el mié 13 mar');
    expect(sut.text).toContain('Main St <Clinic>');
    expect(sut.html).toContain('Main St &#60;Clinic&#62;');
  });

  it('should prefer a tenant override for the appointment type, then the tenant default', () => {
    const overrides = new Map([
      [templateKey('sms', 'default', 'en', 'reminder'), { body: 'Default {time}' }],
      [templateKey('sms', 'new-patient', 'en', 'reminder'), { body: 'Welcome {time}' }],
    ]);

    expect(resolveSmsTemplate(overrides, 'new-patient', 'en', 'reminder')?.body).toBe(
      'Welcome {time}',
    );
    expect(resolveSmsTemplate(overrides, 'follow-up', 'en', 'reminder')?.body).toBe(
      'Default {time}',
    );
  });

  it.each([
    [
      'a clinical argument',
      { body: '{practice}: your {procedure} is {date}' },
      'may not use {procedure}',
    ],
    [
      'an address in a text',
      { body: '{practice} at {locationAddress}' },
      'may not use {locationAddress} in a text',
    ],
    ['broken syntax', { body: '{practice' }, 'is not ICU MessageFormat'],
    [
      'a text too long for one segment',
      { body: `{practice} {link} ${'x'.repeat(110)}` },
      'must fit one GSM-7 segment',
    ],
    ['a text that needs UCS-2', { body: '{practice} 👍' }, 'must fit one GSM-7 segment'],
  ])('should refuse %s, naming the field', (_what, template, message) => {
    expect(checkTemplate('sms', 'en', template)).toEqual({
      field: 'body',
      message: expect.stringContaining(message) as unknown,
    });
  });
});
