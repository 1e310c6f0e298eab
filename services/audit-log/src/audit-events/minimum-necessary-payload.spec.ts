import { minimumNecessaryPayload, REDACTED } from './minimum-necessary-payload';

describe(minimumNecessaryPayload.name, () => {
  it('should replace nested contact values and keep ids, times and codes', () => {
    const sut = minimumNecessaryPayload({
      appointment: {
        ehrAppointmentId: 'appt-1',
        start: '2030-03-14T13:30:00Z',
        patient: {
          ehrPatientId: 'pat-1',
          givenName: 'Maria',
          familyName: 'Rivera',
          phoneE164: '+14155552671',
          email: 'maria.rivera@example.com',
          smsConsent: true,
        },
        participants: [{ givenName: 'Ada' }],
      },
    });

    expect(sut).toEqual({
      appointment: {
        ehrAppointmentId: 'appt-1',
        start: '2030-03-14T13:30:00Z',
        patient: {
          ehrPatientId: 'pat-1',
          givenName: REDACTED,
          familyName: REDACTED,
          phoneE164: REDACTED,
          email: REDACTED,
          smsConsent: true,
        },
        participants: [{ givenName: REDACTED }],
      },
    });
  });

  it('should replace a location address whole: a home visit is held where the patient lives', () => {
    const sut = minimumNecessaryPayload({
      appointment: {
        location: {
          ehrLocationId: 'home-1',
          timeZone: 'America/New_York',
          address: { lines: ['12 Elm St'], city: 'Newark', state: 'NJ', postalCode: '07102' },
        },
      },
    });

    expect(sut).toEqual({
      appointment: {
        location: { ehrLocationId: 'home-1', timeZone: 'America/New_York', address: REDACTED },
      },
    });
  });

  it('should leave an absent contact value absent rather than claim one was there', () => {
    expect(minimumNecessaryPayload({ patient: { email: '' } })).toEqual({ patient: { email: '' } });
  });
});
