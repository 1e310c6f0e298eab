import { FhirAppointmentBuilder, type FhirJson } from '@caredispatch/testing';

import { EhrWebhookErrorCode, isDomainError } from '../ehr-webhook.errors';

import { normalizeFhirAppointment, type NormalizeOptions } from './normalize-appointment';
import { canonicalLanguageTag, readPreferredLanguage } from './patient-language';

const options: NormalizeOptions = {
  defaultPhoneRegion: 'US',
  defaultTimeZone: 'America/Chicago',
  configuredPracticeName: undefined,
};

function patientAt(communication: unknown): { value: FhirJson; path: string } {
  return { value: { resourceType: 'Patient', communication }, path: 'Patient' };
}

describe(readPreferredLanguage.name, () => {
  it('should take the entry marked preferred over the first one', () => {
    const sut = readPreferredLanguage(
      patientAt([
        { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en' }] } },
        { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] }, preferred: true },
      ]),
    );

    expect(sut).toBe('es');
  });

  it('should take the first entry when none is marked preferred', () => {
    const sut = readPreferredLanguage(
      patientAt([
        { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es-MX' }] } },
        { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en' }] } },
      ]),
    );

    expect(sut).toBe('es-MX');
  });

  it('should prefer the BCP-47 coding and canonicalize its case', () => {
    const sut = readPreferredLanguage(
      patientAt([
        {
          language: {
            coding: [
              { system: 'http://example.org/local-languages', code: 'SPAN' },
              { system: 'urn:ietf:bcp:47', code: 'ES-us' },
            ],
          },
        },
      ]),
    );

    expect(sut).toBe('es-US');
  });

  it('should answer undefined when the patient states no language or only text', () => {
    expect(readPreferredLanguage(patientAt(undefined))).toBeUndefined();
    expect(readPreferredLanguage(patientAt([]))).toBeUndefined();
    expect(readPreferredLanguage(patientAt([{ language: { text: 'Spanish' } }]))).toBeUndefined();
  });

  it('should refuse a code that is not a BCP-47 tag, naming its FHIR path', () => {
    let failure: unknown;
    try {
      readPreferredLanguage(
        patientAt([
          { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'Spanish (MX)' }] } },
        ]),
      );
    } catch (error) {
      failure = error;
    }

    expect(isDomainError(failure) && failure.code).toBe(EhrWebhookErrorCode.InvalidFieldFormat);
    expect(isDomainError(failure) && failure.details?.path).toBe(
      'Patient.communication[0].language.coding[0].code',
    );
  });
});

describe(canonicalLanguageTag.name, () => {
  it.each(['es', 'en-US', 'zh-Hant-TW', 'es-419'])('should accept %s', (tag) => {
    expect(canonicalLanguageTag(tag)).toBe(tag);
  });

  it.each(['', 'e', 'es_MX', 'es--MX', '123', `es-${'a'.repeat(40)}`, 'es MX', 'x'])(
    'should refuse %j',
    (tag) => {
      expect(canonicalLanguageTag(tag)).toBeUndefined();
    },
  );
});

describe(`${normalizeFhirAppointment.name} with Patient.communication`, () => {
  it.each([
    ['contained', (builder: FhirAppointmentBuilder) => builder.buildContained()],
    ['bundle', (builder: FhirAppointmentBuilder) => builder.buildBundle()],
  ] as const)('should publish the preferred language of a %s Patient', (_form, build) => {
    const builder = FhirAppointmentBuilder.booking({
      patientCommunication: [{ code: 'en' }, { code: 'es', preferred: true }],
    });

    const sut = normalizeFhirAppointment(build(builder), options);

    expect(sut.appointment.patient?.preferredLanguage).toBe('es');
  });

  it('should publish no language when the Patient has no communication', () => {
    const sut = normalizeFhirAppointment(
      FhirAppointmentBuilder.booking().buildContained(),
      options,
    );

    expect(sut.appointment.patient?.preferredLanguage).toBeUndefined();
  });

  it('should refuse the booking with the path of a malformed language code', () => {
    let failure: unknown;
    try {
      normalizeFhirAppointment(
        FhirAppointmentBuilder.booking({
          patientCommunication: [{ code: 'not a tag' }],
        }).buildBundle(),
        options,
      );
    } catch (error) {
      failure = error;
    }

    expect(isDomainError(failure) && failure.details?.path).toBe(
      'Bundle.entry[1].resource.communication[0].language.coding[0].code',
    );
  });
});
