import { createHash } from 'node:crypto';

/** One assignment of a stored plan version, with what dispatch knows of the EHR's side. */
export interface AssignmentInEhr {
  readonly appointmentId: string;
  /** The dispatch provider the plan assigned. */
  readonly providerId: string;
  /** That provider's FHIR Practitioner id (roster import link); null = not linked. */
  readonly ehrPractitionerId: string | null;
  /** The EHR's Appointment id; '' when scheduling never sent it. */
  readonly ehrAppointmentId: string;
  /** The Practitioner id the EHR has the visit booked with, as scheduling last said; '' = unknown. */
  readonly bookedEhrPractitionerId: string;
  /** What dispatch last asked the gateway to write for this appointment, if anything. */
  readonly lastRequest: {
    readonly ehrPractitionerId: string;
    /** The booked practitioner that request was made against. */
    readonly bookedEhrPractitionerId: string;
  } | null;
}

export interface AssignmentWriteBack {
  readonly appointmentId: string;
  readonly providerId: string;
  readonly ehrAppointmentId: string;
  readonly ehrPractitionerId: string;
  readonly bookedEhrPractitionerId: string;
}

/**
 * Which assignments of a plan version must be written back to the EHR, pure. The practitioner
 * the EHR has — or will have once dispatch's last request is written — is compared with the
 * assigned one; only a difference asks for a write:
 * - a request stands while scheduling still reports the practitioner it was made against (the
 *   EHR's echo of our own write does not reach scheduling: a practitioner change is no schedule
 *   change), so the next plan with the same assignment asks nothing;
 * - a later plan that moves the visit again, or back to the booked practitioner, asks again:
 *   the gateway drops the older request if it has not written it yet (the newest wins);
 * - without the EHR's ids (appointment, booked practitioner, the provider's Practitioner link)
 *   there is nothing dispatch could write, so nothing is asked.
 */
export function assignmentWriteBacks(
  assignments: readonly AssignmentInEhr[],
): AssignmentWriteBack[] {
  return assignments.flatMap((assignment) => {
    const target = assignment.ehrPractitionerId ?? '';
    const booked = assignment.bookedEhrPractitionerId;
    if (target === '' || booked === '' || assignment.ehrAppointmentId === '') return [];
    const request = assignment.lastRequest;
    const expected =
      request !== null && request.bookedEhrPractitionerId === booked
        ? request.ehrPractitionerId
        : booked;
    if (target === expected) return [];
    return [
      {
        appointmentId: assignment.appointmentId,
        providerId: assignment.providerId,
        ehrAppointmentId: assignment.ehrAppointmentId,
        ehrPractitionerId: target,
        bookedEhrPractitionerId: booked,
      },
    ];
  });
}

/**
 * The request id of an appointment's write-back in one plan version: the same for every attempt
 * to publish it (a uuid of the name-based shape, from SHA-256), so the gateway applies it once.
 */
export function assignmentWriteBackRequestId(
  tenantId: string,
  appointmentId: string,
  planId: string,
  planVersion: number,
): string {
  const digest = createHash('sha256')
    .update(`dispatch-ehr-assignment|${tenantId}|${appointmentId}|${planId}|${planVersion}`)
    .digest();
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
