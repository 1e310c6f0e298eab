import {
  cadenceFor,
  DEFAULT_CADENCE,
  PLAYBOOK_SETTINGS,
  type ReminderSettings,
  validateReminderSettings,
} from './cadence-settings';

function withCadence(steps: unknown[]): unknown {
  return {
    ...PLAYBOOK_SETTINGS,
    cadences: { ...PLAYBOOK_SETTINGS.cadences, [DEFAULT_CADENCE]: { steps } },
  };
}

describe(validateReminderSettings.name, () => {
  it('should accept the playbook defaults', () => {
    expect(validateReminderSettings(PLAYBOOK_SETTINGS)).toEqual({
      ok: true,
      settings: PLAYBOOK_SETTINGS,
    });
  });

  it.each([
    [
      'a negative offset',
      withCadence([
        { key: 'a', channel: 'sms', timing: { kind: 'before', minutes: -5 }, template: 'reminder' },
      ]),
      'cadences.default.steps.0.timing.minutes',
    ],
    [
      'an unknown channel',
      withCadence([
        { key: 'a', channel: 'fax', timing: { kind: 'before', minutes: 5 }, template: 'reminder' },
      ]),
      'cadences.default.steps.0.channel',
    ],
    [
      'a time that is not HH:mm',
      withCadence([
        {
          key: 'a',
          channel: 'sms',
          timing: { kind: 'local-time', daysBefore: 0, time: '7:30' },
          template: 'reminder',
        },
      ]),
      'cadences.default.steps.0.timing.time',
    ],
    [
      'a duplicate step key',
      withCadence([
        { key: 'a', channel: 'sms', timing: { kind: 'before', minutes: 5 }, template: 'reminder' },
        {
          key: 'a',
          channel: 'email',
          timing: { kind: 'before', minutes: 9 },
          template: 'reminder',
        },
      ]),
      'cadences.default.steps.1.key',
    ],
    [
      'a mapping to a missing cadence',
      { ...PLAYBOOK_SETTINGS, typeMappings: [{ code: 'X', cadence: 'nope' }] },
      'typeMappings.0.cadence',
    ],
    ['no default cadence', { ...PLAYBOOK_SETTINGS, cadences: {} }, 'cadences.default'],
    [
      'more than one text a day',
      { ...PLAYBOOK_SETTINGS, limits: { smsPerDay: 2, smsPerWeek: 3 } },
      'limits.smsPerDay',
    ],
    ['an unknown field', { ...PLAYBOOK_SETTINGS, colour: 'red' }, '(body)'],
  ])('should refuse %s, naming the field', (_what, candidate, field) => {
    const sut = validateReminderSettings(candidate);

    expect(sut).toMatchObject({ ok: false, field });
  });
});

describe(cadenceFor.name, () => {
  const settings: ReminderSettings = PLAYBOOK_SETTINGS;

  it('should map a FHIR coding to its cadence and fall back to the default', () => {
    expect(
      cadenceFor(settings, [
        { system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code: 'FOLLOWUP' },
      ]).name,
    ).toBe('follow-up');
    expect(cadenceFor(settings, [{ system: 'urn:local', code: 'new-patient' }]).name).toBe(
      'new-patient',
    );
    expect(cadenceFor(settings, [{ system: 'urn:other', code: 'FOLLOWUP' }]).name).toBe(
      DEFAULT_CADENCE,
    );
    expect(cadenceFor(settings, []).name).toBe(DEFAULT_CADENCE);
  });
});
