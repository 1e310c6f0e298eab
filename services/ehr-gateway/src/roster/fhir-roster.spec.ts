import { fhirPractitioner, fhirPractitionerRole } from '@caredispatch/testing';

import { practitionerRoster } from './fhir-roster';

describe(practitionerRoster.name, () => {
  it('should join roles to their practitioner with codes, locations, hours and telecom', () => {
    const sut = practitionerRoster(
      [
        fhirPractitioner({
          id: 'prac-2',
          given: 'Ana',
          family: 'Ruiz',
          prefix: 'Dr.',
          qualifications: [['http://terminology.hl7.org/CodeSystem/v2-0360', 'MD']],
          mobile: '+16175550101',
          email: 'ana@clinic.example',
        }),
      ],
      [
        fhirPractitionerRole({
          id: 'role-1',
          practitionerId: 'prac-2',
          locationIds: ['loc-1'],
          codes: [['', 'doctor']],
          specialties: [['http://snomed.info/sct', '394802001']],
          availableTimes: [{ days: ['mon', 'fri'], start: '08:00:00', end: '16:30:00' }],
        }),
      ],
    );

    expect(sut).toEqual({
      orphanRoles: 0,
      practitioners: [
        {
          practitionerId: 'prac-2',
          active: true,
          displayName: 'Dr. Ana Ruiz',
          qualifications: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0360', code: 'MD' }],
          telecom: [
            { system: 'phone', value: '+16175550101', use: 'mobile' },
            { system: 'email', value: 'ana@clinic.example', use: 'work' },
          ],
          roles: [
            {
              roleId: 'role-1',
              active: true,
              ehrLocationIds: ['loc-1'],
              codes: [{ system: '', code: 'doctor' }],
              specialties: [{ system: 'http://snomed.info/sct', code: '394802001' }],
              availableTimes: [
                {
                  daysOfWeek: ['mon', 'fri'],
                  allDay: false,
                  availableStartTime: '08:00',
                  availableEndTime: '16:30',
                },
              ],
              telecom: [],
            },
          ],
        },
      ],
    });
  });

  it('should count roles of unknown practitioners and drop malformed parts', () => {
    const sut = practitionerRoster(
      [
        {
          resourceType: 'Practitioner',
          id: 'prac-1',
          active: false,
          name: [{ text: 'Sam Lee, RN' }],
          qualification: [{ code: { coding: [{ code: '' }, { code: 42 }, { code: 'RN' }] } }, 7],
          telecom: [{ system: 'email' }, 'x'],
        },
      ],
      [
        fhirPractitionerRole({ id: 'role-x', practitionerId: 'ghost' }),
        {
          resourceType: 'PractitionerRole',
          id: 'role-2',
          practitioner: { reference: 'https://ehr.example/fhir/Practitioner/prac-1' },
          location: [{ reference: 'Organization/o-1' }, { display: 'no reference' }],
          availableTime: [
            { daysOfWeek: ['mon'], availableStartTime: '25:00:00', availableEndTime: '10:00:00' },
            { daysOfWeek: ['someday'], allDay: true },
          ],
        },
      ],
    );

    expect(sut.orphanRoles).toBe(1);
    expect(sut.practitioners).toEqual([
      {
        practitionerId: 'prac-1',
        active: false,
        displayName: 'Sam Lee, RN',
        qualifications: [{ system: '', code: 'RN' }],
        telecom: [],
        roles: [
          {
            roleId: 'role-2',
            active: true,
            ehrLocationIds: [],
            codes: [],
            specialties: [],
            availableTimes: [],
            telecom: [],
          },
        ],
      },
    ]);
  });
});
