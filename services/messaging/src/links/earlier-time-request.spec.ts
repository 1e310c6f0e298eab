import { randomUUID } from 'node:crypto';

import {
  createEnvelope,
  decodeEvent,
  encodeEnvelope,
  eventRegistry,
  ResponseSource,
  timestampDate,
  Topics,
} from '@caredispatch/contracts';

import { earlierTimeRequestedEvent } from './earlier-time-request';

describe(earlierTimeRequestedEvent.name, () => {
  const appointment = {
    tenantId: 'clinic-1',
    appointmentId: randomUUID(),
    revision: 3,
    ehrAppointmentId: 'ehr-appt-1',
    practiceName: 'Acme Family Practice',
    start: new Date('2026-12-10T15:00:00Z'),
    end: new Date('2026-12-10T15:30:00Z'),
    timeZone: 'America/New_York',
    locationId: randomUUID(),
    locationName: 'Main Street Clinic',
    addressLines: ['12 Main Street'],
    providerId: randomUUID(),
    providerDisplayName: 'Dr. Ana Ruiz',
    ehrPractitionerId: 'prac-1',
    ehrLocationId: 'loc-1',
    appointmentTypeCode: 'wound-check',
    cancelled: false,
    patientLanguage: 'es-MX',
  };

  it('should be a valid request on the patient-response topic, keyed by the visit, with ids only', () => {
    const requestId = randomUUID();
    const patientId = randomUUID();
    const messageId = randomUUID();
    const now = new Date('2026-11-30T20:00:00Z');

    const sut = earlierTimeRequestedEvent({
      requestId,
      appointment,
      patientId,
      smsConsent: true,
      emailConsent: false,
      messageId,
      correlationId: 'corr-1',
      now,
    });
    const decoded = decodeEvent(encodeEnvelope(createEnvelope(sut, { producer: 'messaging' })));

    expect(eventRegistry[sut.type].topic).toBe(Topics.MessagingPatientResponseV1);
    expect(decoded.envelope).toMatchObject({
      tenantId: 'clinic-1',
      aggregateId: appointment.appointmentId,
    });
    expect(decoded.payload).toMatchObject({
      requestId,
      appointmentId: appointment.appointmentId,
      ehrAppointmentId: 'ehr-appt-1',
      appointmentRevision: 3,
      patientId,
      appointmentTypeCode: 'wound-check',
      providerId: appointment.providerId,
      locationId: appointment.locationId,
      timeZone: 'America/New_York',
      preferredLanguage: 'es-MX',
      smsConsent: true,
      emailConsent: false,
      source: ResponseSource.LINK_PAGE,
      messageId,
    });
    const payload = decoded.payload as { currentStart?: Parameters<typeof timestampDate>[0] };
    expect(timestampDate(payload.currentStart!)).toEqual(appointment.start);
    // Minimum necessary: nothing the page shows beyond ids (names, address, provider name).
    const wire = Buffer.from(
      encodeEnvelope(createEnvelope(sut, { producer: 'messaging' })),
    ).toString('latin1');
    for (const phi of ['Main Street', 'Ana Ruiz', 'Acme']) expect(wire).not.toContain(phi);
  });

  it('should be rejected without a patient or with a forged zone', () => {
    const base = {
      requestId: randomUUID(),
      patientId: randomUUID(),
      smsConsent: false,
      emailConsent: false,
      messageId: null,
      correlationId: 'c',
      now: new Date(),
    };
    const noPatient = earlierTimeRequestedEvent({ ...base, appointment, patientId: 'x' });
    const badZone = earlierTimeRequestedEvent({
      ...base,
      appointment: { ...appointment, timeZone: 'Mars/Olympus' },
    });

    expect(
      eventRegistry.PatientRequestedEarlierTimeV1.validate(noPatient.payload as never),
    ).toContain('patient_id must be a UUID');
    expect(
      eventRegistry.PatientRequestedEarlierTimeV1.validate(badZone.payload as never),
    ).toContain('time_zone must be an IANA time zone');
  });
});
