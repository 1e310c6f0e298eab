import { isConsented, stateFromEhrFlag } from './consent-rules';
import {
  ConsentChannelKind,
  ConsentEntity,
  ConsentSourceKind,
  ConsentStateKind,
} from './consent.entity';

function aConsent(state: ConsentStateKind, source: ConsentSourceKind): ConsentEntity {
  return Object.assign(new ConsentEntity(), {
    tenantId: 't1',
    patientId: '0b6c5f7e-8d1a-4c2b-9e3f-a1b2c3d4e5f6',
    channel: ConsentChannelKind.Sms,
    state,
    source,
    changedAt: new Date('2026-11-01T00:00:00Z'),
    evidenceId: 'ev',
  });
}

describe(isConsented.name, () => {
  it('should follow the EHR flag when there is no record', () => {
    expect(isConsented(undefined, true)).toBe(true);
    expect(isConsented(undefined, false)).toBe(false);
  });

  it('should let a keyword opt-out outrank an EHR flag that still says yes', () => {
    const sut = isConsented(aConsent(ConsentStateKind.Withdrawn, ConsentSourceKind.Keyword), true);

    expect(sut).toBe(false);
  });

  it('should let a START outrank an EHR flag that says no', () => {
    expect(isConsented(aConsent(ConsentStateKind.Granted, ConsentSourceKind.Keyword), false)).toBe(
      true,
    );
  });
});

describe(stateFromEhrFlag.name, () => {
  it('should record a grant from the EHR when there is no record', () => {
    expect(stateFromEhrFlag(undefined, true)).toBe(ConsentStateKind.Granted);
  });

  it('should record nothing for a missing flag without a record', () => {
    expect(stateFromEhrFlag(undefined, false)).toBeUndefined();
  });

  it('should never re-grant over a patient-made opt-out', () => {
    const sut = stateFromEhrFlag(
      aConsent(ConsentStateKind.Withdrawn, ConsentSourceKind.Keyword),
      true,
    );

    expect(sut).toBeUndefined();
  });

  it('should follow the EHR when the EHR set the record and its flag changed', () => {
    const sut = stateFromEhrFlag(aConsent(ConsentStateKind.Granted, ConsentSourceKind.Ehr), false);

    expect(sut).toBe(ConsentStateKind.Withdrawn);
  });
});
