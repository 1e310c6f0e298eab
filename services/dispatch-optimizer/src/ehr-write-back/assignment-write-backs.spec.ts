import { isUuid } from '@caredispatch/contracts';

import {
  type AssignmentInEhr,
  assignmentWriteBackRequestId,
  assignmentWriteBacks,
} from './assignment-write-backs';

function assignment(overrides: Partial<AssignmentInEhr> = {}): AssignmentInEhr {
  return {
    appointmentId: 'a1',
    providerId: 'rn-2',
    ehrPractitionerId: 'pr-2',
    ehrAppointmentId: 'ehr-a1',
    bookedEhrPractitionerId: 'pr-1',
    lastRequest: null,
    ...overrides,
  };
}

describe(assignmentWriteBacks.name, () => {
  it('should ask for a write when the plan assigns a practitioner other than the booked one', () => {
    const sut = assignmentWriteBacks([assignment()]);

    expect(sut).toEqual([
      {
        appointmentId: 'a1',
        providerId: 'rn-2',
        ehrAppointmentId: 'ehr-a1',
        ehrPractitionerId: 'pr-2',
        bookedEhrPractitionerId: 'pr-1',
      },
    ]);
  });

  it('should ask nothing when the plan keeps the booked practitioner', () => {
    expect(assignmentWriteBacks([assignment({ ehrPractitionerId: 'pr-1' })])).toEqual([]);
  });

  it('should ask nothing again for an assignment it already asked for', () => {
    const asked = { ehrPractitionerId: 'pr-2', bookedEhrPractitionerId: 'pr-1' };

    expect(assignmentWriteBacks([assignment({ lastRequest: asked })])).toEqual([]);
  });

  it('should ask again when a later plan moves the visit to a third practitioner', () => {
    const asked = { ehrPractitionerId: 'pr-3', bookedEhrPractitionerId: 'pr-1' };

    const sut = assignmentWriteBacks([assignment({ lastRequest: asked })]);

    expect(sut.map((entry) => entry.ehrPractitionerId)).toEqual(['pr-2']);
  });

  it('should ask for the booked practitioner when a later plan moves the visit back', () => {
    const asked = { ehrPractitionerId: 'pr-2', bookedEhrPractitionerId: 'pr-1' };

    const sut = assignmentWriteBacks([
      assignment({ ehrPractitionerId: 'pr-1', lastRequest: asked }),
    ]);

    expect(sut.map((entry) => entry.ehrPractitionerId)).toEqual(['pr-1']);
  });

  it('should compare with the booked practitioner again once scheduling reports a new one', () => {
    const askedOverOld = { ehrPractitionerId: 'pr-2', bookedEhrPractitionerId: 'pr-0' };

    expect(assignmentWriteBacks([assignment({ lastRequest: askedOverOld })])).toHaveLength(1);
    expect(
      assignmentWriteBacks([
        assignment({ bookedEhrPractitionerId: 'pr-2', lastRequest: askedOverOld }),
      ]),
    ).toEqual([]);
  });

  it('should ask nothing without the EHR ids it would need to write', () => {
    const sut = assignmentWriteBacks([
      assignment({ ehrPractitionerId: null }),
      assignment({ ehrAppointmentId: '' }),
      assignment({ bookedEhrPractitionerId: '' }),
    ]);

    expect(sut).toEqual([]);
  });
});

describe(assignmentWriteBackRequestId.name, () => {
  it('should name one plan version of one appointment with one uuid', () => {
    const sut = assignmentWriteBackRequestId('t1', 'a1', 'p1', 2);

    expect(isUuid(sut)).toBe(true);
    expect(assignmentWriteBackRequestId('t1', 'a1', 'p1', 2)).toBe(sut);
    expect(
      new Set([
        sut,
        assignmentWriteBackRequestId('t1', 'a1', 'p1', 3),
        assignmentWriteBackRequestId('t1', 'a2', 'p1', 2),
        assignmentWriteBackRequestId('t2', 'a1', 'p1', 2),
      ]).size,
    ).toBe(4);
  });
});
