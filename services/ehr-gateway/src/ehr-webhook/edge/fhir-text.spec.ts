import { isDomainError } from '../ehr-webhook.errors';

import { assertCleanFhirJson, MAX_JSON_DEPTH } from './fhir-text';

function refusal(body: unknown): { code: string; path: unknown } | undefined {
  try {
    assertCleanFhirJson(body);
    return undefined;
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { code: error.code, path: error.details?.path };
  }
}

describe(assertCleanFhirJson.name, () => {
  const appointment = (family: string) => ({
    resourceType: 'Appointment',
    contained: [{ resourceType: 'Patient', name: [{ family }] }],
  });

  it('should refuse U+0000 in a patient name and name the path', () => {
    expect(refusal(appointment('Riv\u0000era'))).toEqual({
      code: 'INVALID_TEXT',
      path: 'Appointment.contained[0].name[0].family',
    });
  });

  it('should refuse other C0 controls and unpaired surrogates', () => {
    expect(refusal(appointment('Riv\u001bera'))?.code).toBe('INVALID_TEXT');
    expect(refusal(appointment('Riv\ud800era'))?.code).toBe('INVALID_TEXT');
  });

  it('should accept tab, CR, LF and paired surrogates (emoji)', () => {
    expect(refusal(appointment('a\tb\r\nc 😀'))).toBeUndefined();
  });

  it('should refuse control characters in keys without echoing the key', () => {
    expect(refusal({ resourceType: 'Appointment', 'bad\u0000key': 1 })).toEqual({
      code: 'INVALID_TEXT',
      path: 'Appointment.<key>',
    });
  });

  it('should refuse an oversized string and absurd nesting', () => {
    expect(refusal(appointment('x'.repeat(5_000)))?.code).toBe('FIELD_TOO_LONG');
    let deep: unknown = 'leaf';
    for (let level = 0; level <= MAX_JSON_DEPTH; level += 1) deep = [deep];
    expect(refusal({ resourceType: 'Appointment', deep })?.code).toBe('INVALID_TEXT');
  });
});
