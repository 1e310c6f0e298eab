import { aScheduledAppointment } from '@caredispatch/testing';

import { planConfirmation, SuppressionReason } from './confirmation-plan';
import { ConfirmationKind } from './confirmation-text';

describe(planConfirmation.name, () => {
  it('should text the patient number with the practice and local time', () => {
    const appointment = aScheduledAppointment({
      phoneE164: '+15005550006',
      start: new Date('2026-03-10T13:30:00Z'),
      timeZone: 'America/Chicago',
    });

    const sut = planConfirmation(appointment, ConfirmationKind.Booked);

    expect(sut).toEqual({
      action: 'send',
      toE164: '+15005550006',
      body: expect.stringContaining(
        'Acme Family Practice: your appointment is confirmed for Tue, Mar 10 at 8:30 AM CDT.',
      ) as unknown,
    });
  });

  it('should leave out provider, patient name, location and visit details (minimum necessary)', () => {
    const appointment = aScheduledAppointment({
      providerName: 'Dr. Gregory House',
      givenName: 'Jane',
      locationName: 'Oncology Wing',
    });

    const sut = planConfirmation(appointment, ConfirmationKind.Booked);

    expect(sut.action).toBe('send');
    const body = sut.action === 'send' ? sut.body : '';
    for (const secret of [
      'House',
      'Gregory',
      'Dr.',
      'Jane',
      'Oncology',
      appointment.ehrAppointmentId,
    ]) {
      expect(body).not.toContain(secret);
    }
  });

  it('should prefer the configured display name of the practice', () => {
    const sut = planConfirmation(aScheduledAppointment(), ConfirmationKind.Booked, 'Acme Clinic');

    expect(sut.action === 'send' && sut.body.startsWith('Acme Clinic: ')).toBe(true);
  });

  it('should suppress the text when the patient has not consented to SMS', () => {
    const sut = planConfirmation(
      aScheduledAppointment({ smsConsent: false }),
      ConfirmationKind.Booked,
    );

    expect(sut).toEqual({ action: 'suppress', reason: SuppressionReason.NoSmsConsent });
  });

  it('should suppress the text when the patient has no usable number', () => {
    const sut = planConfirmation(
      aScheduledAppointment({ phoneE164: '' }),
      ConfirmationKind.Rescheduled,
    );

    expect(sut).toEqual({ action: 'suppress', reason: SuppressionReason.NoPhoneNumber });
  });
});
