import { renderSms, resolveSmsTemplate } from './reminder-templates';
import { overridesMap, validateTemplateOverrides } from './template-overrides';

const spanishText = {
  channel: 'sms',
  appointmentType: 'default',
  language: 'es',
  name: 'reminder',
  body: 'Hola {firstName}: cita en {practice} el {date} a las {time}. Responda 1 confirmar. {link} STOP=baja',
} as const;

const englishEmail = {
  channel: 'email',
  appointmentType: 'new-patient',
  language: 'en',
  name: 'reminder',
  subject: 'Your first visit at {practice}',
  text: 'Hi {firstName}, see you {date} at {time} at {locationName}. {link}',
  html: '<p>Hi {firstName}, see you {date} at {time} at {locationName}.</p><p>{link}</p>',
} as const;

function failureOf(candidate: unknown): { field: string; message: string } {
  const sut = validateTemplateOverrides(candidate);
  if (sut.ok) throw new Error('expected the overrides to be refused');
  return { field: sut.field, message: sut.message };
}

describe(validateTemplateOverrides.name, () => {
  it('should accept a Spanish text and an English email and let rendering find them', () => {
    const sut = validateTemplateOverrides({ templates: [spanishText, englishEmail] });

    expect(sut.ok).toBe(true);
    const overrides = overridesMap(sut.ok ? sut.templates : []);
    const template = resolveSmsTemplate(overrides, 'follow-up', 'es', 'reminder');
    expect(template?.body).toBe(spanishText.body);
    expect(
      renderSms(template ?? { body: '' }, 'es', {
        practice: 'Clinica Sol',
        firstName: 'Lucia',
        start: new Date('2030-03-12T14:30:00Z'),
        timeZone: 'America/New_York',
        locationName: '',
        locationAddress: '',
        link: 'https://cd.example/a/AAAAAAAAAAAAAAAAAAAAAA',
      }),
    ).toMatch(/^Hola Lucia: cita en Clinica Sol el .* a las 10:30\. Responda 1 confirmar\. https/);
  });

  it('should fall back to the shipped template where the tenant has no override', () => {
    const sut = resolveSmsTemplate(overridesMap([]), 'default', 'es', 'reminder');

    expect(sut?.body).toMatch(/^Hola \{firstName\}, cita en \{practice\}/);
  });

  it('should refuse a text that cannot fit one GSM-7 segment with the longest values, naming the field', () => {
    const sut = failureOf({
      templates: [
        {
          ...spanishText,
          body: `${spanishText.body} Le rogamos que llegue quince minutos antes de la hora de su cita.`,
        },
      ],
    });

    expect(sut.field).toBe('templates.0.body');
    expect(sut.message).toMatch(/one GSM-7 segment \(160\)/);
  });

  it('should refuse a text with a character outside GSM-7', () => {
    expect(
      failureOf({ templates: [{ ...spanishText, body: 'Cita él {date} ☺ {link}' }] }).field,
    ).toBe('templates.0.body');
  });

  it('should refuse an unknown placeholder, such as a diagnosis', () => {
    const sut = failureOf({
      templates: [englishEmail, { ...spanishText, body: 'Hola {firstName}, {diagnosis} {link}' }],
    });

    expect(sut).toEqual({ field: 'templates.1.body', message: 'may not use {diagnosis}' });
  });

  it('should refuse the location in a text and a template that does not parse', () => {
    expect(
      failureOf({ templates: [{ ...spanishText, body: 'En {locationName} {link}' }] }).field,
    ).toBe('templates.0.body');
    expect(failureOf({ templates: [{ ...englishEmail, subject: 'Visit {date' }] }).field).toBe(
      'templates.0.subject',
    );
  });

  it('should refuse two overrides for one key and a malformed entry', () => {
    expect(failureOf({ templates: [spanishText, spanishText] }).field).toBe('templates.1');
    expect(failureOf({ templates: [{ ...spanishText, language: 'fr' }] }).field).toBe(
      'templates.0.language',
    );
    expect(failureOf({ templates: [{ ...spanishText, subject: 'x' }] }).field).toBe('templates.0');
  });
});
