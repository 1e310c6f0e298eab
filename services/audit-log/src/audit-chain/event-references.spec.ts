import { create, PatientRequestedEarlierTimeV1Schema } from '@caredispatch/contracts';

import { appointmentReferencesOf, eventFacetsOf, traceIdOf } from './event-references';

describe(traceIdOf.name, () => {
  const sut = traceIdOf;

  it('should return the trace id of a valid traceparent', () => {
    expect(sut('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it.each([
    ['an empty header', ''],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['the forbidden version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
  ])('should return null for %s', (_case, header) => {
    expect(sut(header)).toBeNull();
  });
});

describe(appointmentReferencesOf.name, () => {
  it('should file an earlier-time request on the kept visit’s trail and its patient’s', () => {
    const event = create(PatientRequestedEarlierTimeV1Schema, {
      requestId: '0b7c5a52-5c1e-4a44-9d0e-1f6d2a7f8a01',
      appointmentId: '6f1f7a0e-3c55-4d1b-9b39-2a8a2f1f0c11',
      ehrAppointmentId: 'appt-77',
      patientId: '3c2b1a00-7d6e-4f5a-8b9c-0d1e2f3a4b5c',
    });
    const typed = { eventType: 'PatientRequestedEarlierTimeV1' as const, event };

    expect(appointmentReferencesOf(typed)).toEqual({
      ehrAppointmentId: 'appt-77',
      appointmentId: '6f1f7a0e-3c55-4d1b-9b39-2a8a2f1f0c11',
    });
    expect(eventFacetsOf(typed, 'messaging')).toEqual({
      actor: 'messaging',
      patientIds: ['3c2b1a00-7d6e-4f5a-8b9c-0d1e2f3a4b5c'],
    });
  });
});
