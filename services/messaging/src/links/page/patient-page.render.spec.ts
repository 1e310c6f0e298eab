import { AnswerKind } from '../patient-answer';

import { pageLanguage, resolvePageLanguage } from './page-language';
import { PAGE_CSP, PAGE_CSS, PAGE_CSS_HASH } from './patient-page.css';
import { formatVisitTime, renderNeutralPage, renderOpenPage } from './patient-page.render';

describe('patient page rendering', () => {
  const appointment = {
    tenantId: 't',
    appointmentId: 'a',
    revision: 1,
    ehrAppointmentId: 'e',
    practiceName: 'Acme <Family> Practice',
    start: new Date('2030-03-12T13:30:00Z'),
    end: new Date('2030-03-12T14:00:00Z'),
    timeZone: 'America/New_York',
    locationId: 'l',
    locationName: 'Main Street Clinic',
    addressLines: ['12 Main Street'],
    providerId: 'p',
    providerDisplayName: 'Dr. Ana Ruiz',
    ehrPractitionerId: 'prac-1',
    ehrLocationId: 'loc-1',
    appointmentTypeCode: 'chemo-infusion',
    cancelled: false,
    patientLanguage: null,
  };

  it('should escape values and show nothing clinical', () => {
    const sut = renderOpenPage({
      lang: 'en',
      token: 'T',
      formToken: 'F',
      appointment,
      answers: [],
    });

    expect(sut).toContain('Acme &lt;Family&gt; Practice');
    expect(sut).not.toContain('chemo');
    expect(sut).not.toContain('<script');
    expect(sut).toContain('Tuesday, March 12 at 9:30 AM EDT');
  });

  it('should offer "Ask for an earlier time" as a form posting the page’s anti-forgery value', () => {
    const sut = renderOpenPage({
      lang: 'en',
      token: 'T',
      formToken: 'F',
      appointment,
      answers: [],
    });

    expect(sut).toContain('<form method="post" action="/a/T/earlier?lang=en">');
    expect(sut).toContain('Ask for an earlier time');
    expect(sut).not.toContain('on our list for an earlier time');
  });

  it.each([
    ['en', false, 'Thank you. You are on our list for an earlier time.'],
    ['en', true, 'You are already on our list for an earlier time.'],
    ['es', false, 'Gracias. Está en nuestra lista para una hora antes.'],
    ['es', true, 'Ya está en nuestra lista para una hora antes.'],
  ] as const)(
    'should confirm an earlier-time request in %s (repeated: %s) and offer the button no more',
    (lang, repeated, banner) => {
      const sut = renderOpenPage({
        lang,
        token: 'T',
        formToken: 'F',
        appointment,
        answers: [{ kind: AnswerKind.EarlierRequested, newStart: null }],
        earlierAlreadyRequested: repeated,
      });

      expect(sut).toContain(banner);
      expect(sut).not.toContain('/a/T/earlier');
      // The visit stays: it can still be confirmed, moved or cancelled.
      expect(sut).toContain('/a/T/confirm');
    },
  );

  it('should render the neutral page without anything about a token', () => {
    expect(renderNeutralPage('en')).toBe(renderNeutralPage('en'));
    expect(renderNeutralPage('es')).toContain('lang="es"');
  });

  it('should allow exactly its own stylesheet in the CSP', () => {
    expect(PAGE_CSP).toContain(`style-src '${PAGE_CSS_HASH}'`);
    expect(PAGE_CSP).not.toContain('unsafe-inline');
    expect(PAGE_CSS.length).toBeGreaterThan(0);
  });

  it('should format the local time in Spanish', () => {
    expect(formatVisitTime(appointment.start, appointment.timeZone, 'es')).toBe(
      'martes, 12 de marzo, 9:30 EDT',
    );
  });

  it.each([
    [undefined, 'es-MX,es;q=0.9,en;q=0.8', 'es'],
    [undefined, 'fr-FR,en;q=0.5', 'en'],
    ['es', 'en-US', 'es'],
    ['xx', undefined, 'en'],
  ])('should pick the language from ?lang=%s and Accept-Language %s', (query, header, expected) => {
    expect(resolvePageLanguage(pageLanguage(query, header))).toBe(expected);
  });

  it.each([
    [undefined, 'en-US,en;q=0.9', 'es-MX', 'es'],
    [undefined, 'es-ES', 'en-US', 'en'],
    [undefined, 'es-ES', 'fr', 'es'],
    [undefined, undefined, null, 'en'],
    ['en', 'es-ES', 'es', 'en'],
  ])(
    'should prefer the patient language over Accept-Language (?lang=%s, header %s, patient %s)',
    (query, header, patient, expected) => {
      expect(resolvePageLanguage(pageLanguage(query, header), patient)).toBe(expected);
    },
  );
});
