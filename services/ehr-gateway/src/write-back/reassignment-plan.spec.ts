import { WriteBackFailureReason } from '@caredispatch/contracts';

import { type FhirResource } from '../ehr-fhir/fhir-client.port';

import { planReassignment, practitionerIdsOf, type ReassignmentIntent } from './reassignment-plan';

function appointment(overrides: Record<string, unknown> = {}): FhirResource {
  return {
    resourceType: 'Appointment',
    id: 'a-1',
    meta: { versionId: '4' },
    status: 'booked',
    start: '2031-03-10T14:00:00.000Z',
    end: '2031-03-10T14:30:00.000Z',
    participant: [
      { actor: { reference: 'Patient/p-1' }, status: 'needs-action' },
      {
        type: [{ text: 'primary performer' }],
        required: 'required',
        actor: { reference: 'Practitioner/d-1', display: 'Dr One' },
        status: 'accepted',
      },
      { actor: { reference: 'Location/l-1' }, status: 'accepted' },
    ],
    ...overrides,
  };
}

function intent(overrides: Partial<ReassignmentIntent> = {}): ReassignmentIntent {
  return { ehrPractitionerId: 'd-2', knownPractitionerIds: ['d-1'], ...overrides };
}

describe(planReassignment.name, () => {
  it('should replace the practitioner participant in place and keep everyone else', () => {
    const sut = planReassignment(intent(), appointment());

    expect(sut.kind).toBe('update');
    const written = sut.kind === 'update' ? sut.appointment : appointment();
    expect(written.participant).toEqual([
      { actor: { reference: 'Patient/p-1' }, status: 'needs-action' },
      {
        type: [{ text: 'primary performer' }],
        required: 'required',
        actor: { reference: 'Practitioner/d-2' },
        status: 'accepted',
      },
      { actor: { reference: 'Location/l-1' }, status: 'accepted' },
    ]);
    expect(written.start).toBe('2031-03-10T14:00:00.000Z');
    expect(written.meta).toEqual({ versionId: '4' });
  });

  it('should add a practitioner participant to an appointment that had none', () => {
    const sut = planReassignment(
      intent({ knownPractitionerIds: [''] }),
      appointment({ participant: [{ actor: { reference: 'Patient/p-1' } }] }),
    );

    expect(sut.kind === 'update' && practitionerIdsOf(sut.appointment)).toEqual(['d-2']);
  });

  it('should write nothing when the appointment already names the new practitioner', () => {
    const current = appointment({
      participant: [{ actor: { reference: 'https://ehr.example/fhir/Practitioner/d-2' } }],
    });

    expect(planReassignment(intent(), current)).toEqual({ kind: 'already-applied' });
  });

  it('should leave a practitioner staff chose alone', () => {
    const current = appointment({ participant: [{ actor: { reference: 'Practitioner/d-9' } }] });

    expect(planReassignment(intent(), current)).toEqual({
      kind: 'refuse',
      reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF,
    });
  });

  it('should replace a practitioner an earlier reassignment of ours wrote', () => {
    const current = appointment({ participant: [{ actor: { reference: 'Practitioner/d-3' } }] });

    const sut = planReassignment(intent({ knownPractitionerIds: ['d-3', 'd-1'] }), current);

    expect(sut.kind === 'update' && practitionerIdsOf(sut.appointment)).toEqual(['d-2']);
  });

  it('should refuse a cancelled appointment', () => {
    expect(planReassignment(intent(), appointment({ status: 'cancelled' }))).toEqual({
      kind: 'refuse',
      reason: WriteBackFailureReason.APPOINTMENT_CANCELLED,
    });
  });
});
