import { joinInputsPhi, splitInputsPhi } from './plan-phi';

import type { PlanInputs } from './problem-builder';

describe('plan inputs PHI split', () => {
  const inputs = {
    origin: '2026-03-09T00:00:00.000Z',
    timeZone: 'America/New_York',
    clinics: { 'clinic-1': { name: 'Harbor Clinic' } },
    blocks: [],
    appointments: {
      'appt-1': {
        patientDisplayName: 'Maria G.',
        visitType: 'home-visit',
        visitMode: 'home',
        clinicId: null,
        address: { line: '12 Elm St, Newark', coordinates: { lat: 40.7, lon: -74.1 } },
        requestedStart: '2026-03-09T14:00:00.000Z',
      },
    },
    preUnserved: [
      {
        appointmentId: 'appt-2',
        patientDisplayName: 'John S.',
        visitType: 'wound-care',
        visitMode: 'home',
        requestedStart: '2026-03-09T15:00:00.000Z',
        reason: 'ADDRESS_NOT_GEOCODED',
        previousProviderId: null,
      },
    ],
    locationAddresses: [{ line: '12 Elm St, Newark', coordinates: { lat: 40.7, lon: -74.1 } }],
  } as unknown as PlanInputs;

  it('should keep no name or address in the readable part', () => {
    const { readable } = splitInputsPhi(inputs);

    const text = JSON.stringify(readable);
    expect(text).not.toContain('Maria');
    expect(text).not.toContain('John');
    expect(text).not.toContain('Elm St');
    expect(readable.clinics).toEqual(inputs.clinics);
  });

  it('should give the inputs back whole when joined', () => {
    const { readable, phi } = splitInputsPhi(inputs);

    expect(joinInputsPhi(readable, phi)).toEqual(inputs);
  });
});
