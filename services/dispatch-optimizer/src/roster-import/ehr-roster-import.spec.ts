import {
  type EhrRosterPractitioner,
  type ImportClinic,
  type LinkedProvider,
  planEhrRosterImport,
  type RosterImportInput,
} from './ehr-roster-import';
import { DEFAULT_ROSTER_IMPORT_MAPPING, type RosterImportMapping } from './ehr-roster-import.model';

const MAPPING: RosterImportMapping = {
  ...DEFAULT_ROSTER_IMPORT_MAPPING,
  qualifications: [
    { system: 'http://terminology.hl7.org/CodeSystem/v2-0360', code: 'MD', credentials: ['MD'] },
    { system: '', code: 'RN', credentials: ['RN'] },
    { system: '', code: 'wound-care', credentials: ['wound-care'] },
  ],
};

const CLINICS: ImportClinic[] = [
  {
    clinicId: 'north',
    address: '1 North St',
    coordinates: { lat: 42.1, lon: -71.1 },
    locationIds: ['loc-n'],
  },
  {
    clinicId: 'south',
    address: '9 South St',
    coordinates: { lat: 42.0, lon: -71.0 },
    locationIds: ['loc-s'],
  },
];

function aPractitioner(overrides: Partial<EhrRosterPractitioner> = {}): EhrRosterPractitioner {
  return {
    practitionerId: 'prac-1',
    active: true,
    displayName: 'Dr. Ana Ruiz',
    qualifications: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0360', code: 'MD' }],
    telecom: [{ system: 'phone', value: '+1 (617) 555-0101', use: 'mobile' }],
    roles: [
      {
        active: true,
        ehrLocationIds: ['loc-s', 'loc-n'],
        codes: [],
        specialties: [{ system: 'http://snomed.info/sct', code: 'wound-care' }],
        availableTimes: [
          {
            daysOfWeek: ['tue', 'mon'],
            allDay: false,
            availableStartTime: '09:00',
            availableEndTime: '17:00',
          },
        ],
        telecom: [],
      },
    ],
    ...overrides,
  };
}

function input(overrides: Partial<RosterImportInput> = {}): RosterImportInput {
  return {
    tenantId: 't-1',
    practitioners: [aPractitioner()],
    existing: [],
    clinics: CLINICS,
    mapping: MAPPING,
    timeZone: 'America/New_York',
    ...overrides,
  };
}

/** The provider as the first import of `aPractitioner()` stores it. */
function importedOnce(): LinkedProvider {
  const provider = planEhrRosterImport(input()).upserts.at(0);
  if (!provider) throw new Error('first import created nothing');
  return provider;
}

describe(planEhrRosterImport.name, () => {
  it('should create a provider with mapped credentials, clinics, hours and an SMS channel', () => {
    const sut = planEhrRosterImport(input());

    expect(sut).toMatchObject({ created: 1, updated: 0, skipped: 0, warnings: [] });
    expect(sut.upserts[0]).toMatchObject({
      providerId: 'prac-1',
      ehrPractitionerId: 'prac-1',
      displayName: 'Dr. Ana Ruiz',
      credentials: ['MD', 'wound-care'],
      clinicIds: ['north', 'south'],
      homeBase: { address: '1 North St', coordinates: { lat: 42.1, lon: -71.1 } },
      weeklyAvailability: [
        { day: 'mon', from: '09:00', until: '17:00' },
        { day: 'tue', from: '09:00', until: '17:00' },
      ],
      maxHoursPerDay: 8,
      maxHoursPerWeek: 40,
      delivery: {
        channel: { kind: 'sms', phoneE164: '+16175550101' },
        quietTimes: [],
        timeZone: 'America/New_York',
      },
      active: true,
    });
  });

  it('should match a mapping with a system only in that system', () => {
    const sut = planEhrRosterImport(
      input({
        practitioners: [
          aPractitioner({ qualifications: [{ system: 'http://other.example', code: 'MD' }] }),
        ],
      }),
    );

    expect(sut.upserts[0]?.credentials).toEqual(['wound-care']);
    expect(sut.warnings).toEqual([
      {
        code: 'UNMAPPED_QUALIFICATION',
        practitionerId: 'prac-1',
        system: 'http://other.example',
        qualification: 'MD',
      },
    ]);
  });

  it('should report unmapped locations and keep the mapped ones', () => {
    const practitioner = aPractitioner();
    const sut = planEhrRosterImport(
      input({
        practitioners: [
          {
            ...practitioner,
            roles: practitioner.roles.map((role) => ({
              ...role,
              ehrLocationIds: ['loc-x', 'loc-s'],
            })),
          },
        ],
      }),
    );

    expect(sut.upserts[0]?.clinicIds).toEqual(['south']);
    expect(sut.warnings).toEqual([
      { code: 'UNMAPPED_LOCATION', practitionerId: 'prac-1', locationId: 'loc-x' },
    ]);
  });

  it('should not create a practitioner without credential, clinic or channel, naming each', () => {
    const sut = planEhrRosterImport(
      input({
        practitioners: [aPractitioner({ qualifications: [], roles: [], telecom: [] })],
      }),
    );

    expect(sut).toMatchObject({ created: 0, skipped: 1, upserts: [] });
    expect(sut.warnings.map((warning) => warning.code)).toEqual([
      'NO_CREDENTIAL',
      'NO_CLINIC',
      'NO_CHANNEL',
    ]);
  });

  it('should fall back to an email channel and the default hours', () => {
    const practitioner = aPractitioner({
      telecom: [
        { system: 'phone', value: '617-555-0101', use: 'work' },
        { system: 'email', value: 'ana@clinic.example', use: 'work' },
      ],
    });
    const sut = planEhrRosterImport(
      input({
        practitioners: [
          {
            ...practitioner,
            roles: practitioner.roles.map((role) => ({ ...role, availableTimes: [] })),
          },
        ],
      }),
    );

    expect(sut.upserts[0]?.delivery.channel).toEqual({
      kind: 'email',
      email: 'ana@clinic.example',
    });
    expect(sut.upserts[0]?.weeklyAvailability).toEqual(MAPPING.defaultWeeklyAvailability);
  });

  it('should change nothing when the same roster is imported again', () => {
    const sut = planEhrRosterImport(input({ existing: [importedOnce()] }));

    expect(sut).toMatchObject({ created: 0, updated: 0, unchanged: 1, upserts: [], warnings: [] });
  });

  it('should update the fields the import still owns', () => {
    const practitioner = aPractitioner({ displayName: 'Dr. Ana Ruiz-Park' });
    const sut = planEhrRosterImport(
      input({ existing: [importedOnce()], practitioners: [practitioner] }),
    );

    expect(sut).toMatchObject({ updated: 1, warnings: [] });
    expect(sut.upserts[0]?.displayName).toBe('Dr. Ana Ruiz-Park');
    expect(sut.upserts[0]?.ehrImport?.displayName).toBe('Dr. Ana Ruiz-Park');
  });

  it('should keep a field staff edited and report that the EHR disagrees', () => {
    const edited: LinkedProvider = { ...importedOnce(), credentials: ['MD', 'NP'] };
    const sut = planEhrRosterImport(
      input({
        existing: [edited],
        practitioners: [aPractitioner({ displayName: 'Dr. Ana Ruiz-Park' })],
      }),
    );

    expect(sut.upserts[0]).toMatchObject({
      displayName: 'Dr. Ana Ruiz-Park',
      credentials: ['MD', 'NP'],
    });
    expect(sut.upserts[0]?.ehrImport).not.toHaveProperty('credentials');
    expect(sut.warnings).toEqual([
      {
        code: 'KEPT_STAFF_EDIT',
        practitionerId: 'prac-1',
        providerId: 'prac-1',
        field: 'credentials',
      },
    ]);
  });

  it('should link a hand-made provider with the practitioner id without overwriting it', () => {
    const handMade: LinkedProvider = {
      ...importedOnce(),
      displayName: 'Ana R.',
      homeBase: { address: 'Home', coordinates: { lat: 1, lon: 1 } },
      ehrPractitionerId: null,
      ehrImport: null,
    };
    const sut = planEhrRosterImport(input({ existing: [handMade] }));

    expect(sut.upserts[0]).toMatchObject({
      displayName: 'Ana R.',
      homeBase: { address: 'Home' },
      ehrPractitionerId: 'prac-1',
      ehrImport: {},
    });
    expect(sut.warnings).toEqual([
      {
        code: 'KEPT_STAFF_EDIT',
        practitionerId: 'prac-1',
        providerId: 'prac-1',
        field: 'displayName',
      },
    ]);
  });

  it('should deactivate a provider the import owns when the EHR deactivates the practitioner', () => {
    const sut = planEhrRosterImport(
      input({ existing: [importedOnce()], practitioners: [aPractitioner({ active: false })] }),
    );

    expect(sut.upserts[0]?.active).toBe(false);
  });

  it('should not create a provider over an id linked to another practitioner', () => {
    const other: LinkedProvider = { ...importedOnce(), ehrPractitionerId: 'prac-9' };
    const sut = planEhrRosterImport(input({ existing: [other] }));

    expect(sut).toMatchObject({ skipped: 1, upserts: [] });
    expect(sut.warnings).toEqual([{ code: 'ID_TAKEN', practitionerId: 'prac-1' }]);
  });
});
