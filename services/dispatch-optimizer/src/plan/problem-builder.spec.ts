import { randomUUID } from 'node:crypto';

import { aProvider } from '../delivery/delivery-test-fixtures';

import {
  type AppointmentInput,
  buildProblem,
  type ClinicInput,
  horizonOf,
} from './problem-builder';

const TIME_ZONE = 'America/New_York';
const MONDAY = '2030-03-11';

/** A clinic configured, as coordinators do, by the EHR's location id. */
const CLINIC: ClinicInput = {
  clinicId: 'downtown',
  name: 'Downtown',
  address: '1 Main St',
  coordinates: { lat: 40.73, lon: -74.17 },
  locationIds: ['ehr-loc-7'],
  openingHours: [{ days: ['mon'], from: '08:00', until: '17:00' }],
  blocks: [{ name: 'AM', from: '08:00', until: '12:00' }],
};

function aClinicVisit(location: { locationId: string; ehrLocationId: string }): AppointmentInput {
  return {
    appointmentId: randomUUID(),
    startAt: new Date(`${MONDAY}T14:00:00Z`),
    endAt: new Date(`${MONDAY}T14:30:00Z`),
    typeCode: 'clinic-visit',
    patientDisplayName: 'Ana R.',
    addressLine: '',
    coordinates: null,
    geocodeStatus: 'not-needed',
    ...location,
  };
}

function build(appointments: AppointmentInput[], clinics: ClinicInput[] = [CLINIC]) {
  return buildProblem({
    horizon: horizonOf([MONDAY], TIME_ZONE),
    providers: [
      {
        ...aProvider('t1', 1),
        credentials: ['clinician'],
        clinicIds: [CLINIC.clinicId],
        weeklyAvailability: [{ day: 'mon', from: '08:00', until: '17:00' }],
      },
    ],
    rules: [
      {
        typeCode: 'clinic-visit',
        requiredCredentials: ['clinician'],
        visitMode: 'clinic',
        defaultDurationMinutes: 30,
        priority: 1,
      },
    ],
    clinics,
    appointments,
  });
}

describe(buildProblem.name, () => {
  it("should hold a clinic visit at the clinic configured with the EHR's location id, whatever scheduling's own id", () => {
    const visit = aClinicVisit({ locationId: randomUUID(), ehrLocationId: 'ehr-loc-7' });

    const sut = build([visit]);

    expect(sut.inputs.preUnserved).toEqual([]);
    expect(sut.inputs.appointments[visit.appointmentId].clinicId).toBe('downtown');
    expect(sut.problem.appointments.map((a) => a.id)).toEqual([visit.appointmentId]);
  });

  it('should list a clinic visit at an EHR location no clinic names as UNKNOWN_CLINIC', () => {
    const visit = aClinicVisit({ locationId: randomUUID(), ehrLocationId: 'ehr-loc-8' });

    const sut = build([visit]);

    expect(sut.inputs.preUnserved.map((entry) => [entry.appointmentId, entry.reason])).toEqual([
      [visit.appointmentId, 'UNKNOWN_CLINIC'],
    ]);
    expect(sut.problem.appointments).toEqual([]);
  });

  it("should still match scheduling's location id for events that carry no EHR location id", () => {
    const schedulingId = randomUUID();
    const visit = aClinicVisit({ locationId: schedulingId, ehrLocationId: '' });

    const sut = build([visit], [{ ...CLINIC, locationIds: [schedulingId] }]);

    expect(sut.inputs.appointments[visit.appointmentId].clinicId).toBe('downtown');
  });

  it("should let the EHR's location id decide when both ids name different clinics", () => {
    const schedulingId = randomUUID();
    const visit = aClinicVisit({ locationId: schedulingId, ehrLocationId: 'ehr-loc-7' });
    const uptown: ClinicInput = { ...CLINIC, clinicId: 'uptown', locationIds: [schedulingId] };

    const sut = build([visit], [uptown, CLINIC]);

    expect(sut.inputs.appointments[visit.appointmentId].clinicId).toBe('downtown');
  });
});
