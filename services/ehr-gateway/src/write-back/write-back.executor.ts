import { WriteBackFailureReason } from '@caredispatch/contracts';

import { type EhrConnection } from '../ehr-fhir/ehr-connection';
import { type EhrFhirClient } from '../ehr-fhir/ehr-fhir.client';
import { EhrFailureKind, EhrFhirError, type FhirResource } from '../ehr-fhir/fhir-client.port';

import {
  carriesOffer,
  planBooking,
  planMove,
  slotsToCheck,
  WAITLIST_BOOKING_IDENTIFIER_SYSTEM,
} from './booking-plan';
import { planReassignment } from './reassignment-plan';
import { planWriteBack } from './write-back-plan';
import { type WriteBackJob } from './write-back.repository';

export type WriteBackResult =
  | {
      readonly kind: 'succeeded';
      readonly versionId: string;
      readonly alreadyApplied: boolean;
      readonly newEhrAppointmentId: string;
      readonly writtenVersions: readonly { ehrAppointmentId: string; versionId: string }[];
    }
  | {
      readonly kind: 'failed';
      readonly reason: WriteBackFailureReason;
      readonly httpStatus: number;
    }
  | { readonly kind: 'retry'; readonly error: EhrFhirError };

/** 412s in a row before the attempt counts as a transient failure (a very busy appointment). */
const MAX_CONFLICT_ROUNDS = 3;

/**
 * One attempt at a job: read the appointment (and the chosen Slot), decide with
 * planWriteBack, write with If-Match on the version read. A 412 means someone wrote in
 * between: re-read and decide again, so a staff change is never overwritten.
 */
export async function executeWriteBack(
  client: EhrFhirClient,
  connection: EhrConnection | undefined,
  job: WriteBackJob,
): Promise<WriteBackResult> {
  if (!connection)
    return { kind: 'failed', reason: WriteBackFailureReason.NOT_CONFIGURED, httpStatus: 0 };
  try {
    for (let round = 1; ; round += 1) {
      const outcome = await attempt(client, connection, job);
      if (outcome !== 'conflict') return outcome;
      if (round >= MAX_CONFLICT_ROUNDS) {
        return {
          kind: 'retry',
          error: new EhrFhirError(EhrFailureKind.Unavailable, 412, 'appointment kept changing'),
        };
      }
    }
  } catch (error) {
    if (!(error instanceof EhrFhirError)) throw error;
    if (error.retryable) return { kind: 'retry', error };
    return { kind: 'failed', reason: reasonOf(error, job), httpStatus: error.httpStatus };
  }
}

async function attempt(
  client: EhrFhirClient,
  connection: EhrConnection,
  job: WriteBackJob,
): Promise<WriteBackResult | 'conflict'> {
  if (job.action === 'book') return book(client, connection, job);
  if (job.action === 'move') return moveKeptVisit(client, connection, job);
  if (job.action === 'reassign') return reassign(client, connection, job);
  const current = await client.read(connection, 'Appointment', job.ehrAppointmentId);
  const slot =
    job.action === 'reschedule' && job.slotId
      ? await readSlot(client, connection, job.slotId)
      : undefined;
  const plan = planWriteBack(job, current.resource, connection, slot);
  switch (plan.kind) {
    case 'refuse':
      return { kind: 'failed', reason: plan.reason, httpStatus: 0 };
    case 'already-applied':
      return succeeded(current.versionId, true, '', []);
    case 'update':
      // A 412: someone wrote in between; decide again on a re-read.
      return putWithIfMatch(client, connection, job, plan.appointment, current.versionId, {
        onConflict: 'decide-again',
      });
    case 'cancel-and-create': {
      // Book the new slot first: if it is taken, the patient keeps the visit they have.
      const created = await client.create(connection, plan.created);
      const cancelled = await conflictAware(() =>
        client.update(connection, plan.cancelled, current.versionId),
      );
      if (cancelled === 'conflict') {
        // Staff touched the old appointment meanwhile: keep both for staff to sort out.
        return {
          kind: 'failed',
          reason: WriteBackFailureReason.SUPERSEDED_BY_STAFF,
          httpStatus: 412,
        };
      }
      return succeeded(cancelled.versionId, false, created.resource.id, [
        { ehrAppointmentId: job.ehrAppointmentId, versionId: cancelled.versionId },
        { ehrAppointmentId: created.resource.id, versionId: created.versionId },
      ]);
    }
  }
}

/**
 * A waitlist fill: read the freed appointment, look for our own earlier booking (a retry after
 * a lost answer must not book twice) and the Slots, decide with planBooking, create. A 409 on
 * the create (the EHR's Slot bookkeeping: staff booked it between our read and our write) is
 * SLOT_TAKEN like any other loss of the race.
 */
async function book(
  client: EhrFhirClient,
  connection: EhrConnection,
  job: WriteBackJob,
): Promise<WriteBackResult> {
  const freed = await client.read(connection, 'Appointment', job.ehrAppointmentId);
  const intent = {
    offerId: job.responseId,
    ehrPatientId: job.ehrPatientId,
    newStart: job.newStart,
    newEnd: job.newEnd,
    expectedVersion: job.expectedVersion,
  };
  const earlier = await client.search(connection, 'Appointment', [
    ['identifier', `${WAITLIST_BOOKING_IDENTIFIER_SYSTEM}|${job.responseId}`],
  ]);
  const slots = await readFreedSlots(client, connection, intent, freed.resource);
  const plan = planBooking(intent, {
    freed: freed.resource,
    freedVersion: freed.versionId,
    // Search parameters an EHR does not support are ignored: the identifier is checked again.
    earlierBooking: earlier.find((appointment) => carriesOffer(appointment, job.responseId)),
    slots,
  });
  switch (plan.kind) {
    case 'refuse':
      return { kind: 'failed', reason: plan.reason, httpStatus: 0 };
    case 'already-booked':
      return succeeded(versionOf(plan.appointment), true, plan.appointment.id, []);
    case 'create': {
      const created = await client.create(connection, plan.appointment);
      return succeeded(created.versionId, false, created.resource.id, [
        { ehrAppointmentId: created.resource.id, versionId: created.versionId },
      ]);
    }
  }
}

/**
 * A dispatch reassignment: read the appointment, decide with planReassignment, write with
 * If-Match on the version read. A 412 means staff saved the appointment in between: their
 * version stands (no re-read and second try, unlike a patient's confirmation).
 */
async function reassign(
  client: EhrFhirClient,
  connection: EhrConnection,
  job: WriteBackJob,
): Promise<WriteBackResult> {
  const current = await client.read(connection, 'Appointment', job.ehrAppointmentId);
  const plan = planReassignment(job, current.resource);
  switch (plan.kind) {
    case 'refuse':
      return { kind: 'failed', reason: plan.reason, httpStatus: 0 };
    case 'already-applied':
      return succeeded(current.versionId, true, '', []);
    case 'update':
      return putWithIfMatch(client, connection, job, plan.appointment, current.versionId, {
        onConflict: WriteBackFailureReason.SUPERSEDED_BY_STAFF,
      });
  }
}

/**
 * A waitlist fill for an acceptor who keeps a visit: read the kept visit (the job's
 * appointment), the freed appointment and its Slots, decide with planMove, PUT the kept visit
 * with If-Match on the version read. A 412 means staff saved the kept visit in between
 * (KEPT_VISIT_CHANGED: their version stands, no second try); a 409 (the EHR's Slot bookkeeping)
 * is SLOT_TAKEN. A retry after a lost answer finds the visit moved with our identifier: done.
 */
async function moveKeptVisit(
  client: EhrFhirClient,
  connection: EhrConnection,
  job: WriteBackJob,
): Promise<WriteBackResult> {
  if (job.freedEhrAppointmentId === null) {
    return { kind: 'failed', reason: WriteBackFailureReason.REJECTED_BY_EHR, httpStatus: 0 };
  }
  const kept = await client.read(connection, 'Appointment', job.ehrAppointmentId);
  const freed = await client.read(connection, 'Appointment', job.freedEhrAppointmentId);
  const intent = {
    offerId: job.responseId,
    newStart: job.newStart,
    newEnd: job.newEnd,
    expectedVersion: job.freedEhrVersion,
    keptVersion: job.expectedVersion,
    keptStart: job.expectedStart,
    keptEnd: job.expectedEnd,
  };
  const slots = await readFreedSlots(client, connection, intent, freed.resource);
  const plan = planMove(intent, {
    kept: kept.resource,
    keptVersion: kept.versionId,
    freed: freed.resource,
    freedVersion: freed.versionId,
    slots,
  });
  switch (plan.kind) {
    case 'refuse':
      return { kind: 'failed', reason: plan.reason, httpStatus: 0 };
    case 'already-moved':
      return succeeded(kept.versionId, true, job.ehrAppointmentId, []);
    case 'update':
      return putWithIfMatch(client, connection, job, plan.appointment, kept.versionId, {
        onConflict: WriteBackFailureReason.KEPT_VISIT_CHANGED,
        newEhrAppointmentId: job.ehrAppointmentId,
      });
  }
}

/**
 * The PUT every update path ends with: If-Match on the version read, the version written
 * recorded (its webhook echo is ours). A 412 is `onConflict`: a failure with that reason, or
 * `decide-again` (the caller re-reads and plans anew). Other EHR errors propagate (reasonOf).
 */
async function putWithIfMatch(
  client: EhrFhirClient,
  connection: EhrConnection,
  job: WriteBackJob,
  appointment: FhirResource,
  versionRead: string,
  options: { readonly onConflict: 'decide-again' },
): Promise<WriteBackResult | 'conflict'>;
async function putWithIfMatch(
  client: EhrFhirClient,
  connection: EhrConnection,
  job: WriteBackJob,
  appointment: FhirResource,
  versionRead: string,
  options: {
    readonly onConflict: WriteBackFailureReason;
    readonly newEhrAppointmentId?: string;
  },
): Promise<WriteBackResult>;
async function putWithIfMatch(
  client: EhrFhirClient,
  connection: EhrConnection,
  job: WriteBackJob,
  appointment: FhirResource,
  versionRead: string,
  options: {
    readonly onConflict: WriteBackFailureReason | 'decide-again';
    readonly newEhrAppointmentId?: string;
  },
): Promise<WriteBackResult | 'conflict'> {
  const written = await conflictAware(() => client.update(connection, appointment, versionRead));
  if (written === 'conflict') {
    if (options.onConflict === 'decide-again') return 'conflict';
    return { kind: 'failed', reason: options.onConflict, httpStatus: 412 };
  }
  return succeeded(written.versionId, false, options.newEhrAppointmentId ?? '', [
    { ehrAppointmentId: job.ehrAppointmentId, versionId: written.versionId },
  ]);
}

function versionOf(resource: FhirResource): string {
  const meta = resource.meta;
  if (typeof meta === 'object' && meta !== null) {
    const versionId = (meta as Record<string, unknown>).versionId;
    if (typeof versionId === 'string') return versionId;
  }
  return '';
}

/** The Slots the freed appointment names that a booking into its time must find free, as read now. */
function readFreedSlots(
  client: EhrFhirClient,
  connection: EhrConnection,
  intent: Parameters<typeof slotsToCheck>[0],
  freed: FhirResource,
): Promise<(FhirResource | undefined)[]> {
  return Promise.all(
    slotsToCheck(intent, freed).map((reference) =>
      readSlot(client, connection, reference.replace(/^(.*\/)?Slot\//, '')),
    ),
  );
}

async function readSlot(
  client: EhrFhirClient,
  connection: EhrConnection,
  slotId: string,
): Promise<FhirResource | undefined> {
  try {
    return (await client.read(connection, 'Slot', slotId)).resource;
  } catch (error) {
    if (error instanceof EhrFhirError && error.kind === EhrFailureKind.NotFound) return undefined;
    throw error;
  }
}

async function conflictAware<T>(write: () => Promise<T>): Promise<T | 'conflict'> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof EhrFhirError && error.kind === EhrFailureKind.VersionConflict)
      return 'conflict';
    throw error;
  }
}

function succeeded(
  versionId: string,
  alreadyApplied: boolean,
  newEhrAppointmentId: string,
  writtenVersions: readonly { ehrAppointmentId: string; versionId: string }[],
): WriteBackResult {
  return { kind: 'succeeded', versionId, alreadyApplied, newEhrAppointmentId, writtenVersions };
}

function reasonOf(error: EhrFhirError, job: WriteBackJob): WriteBackFailureReason {
  switch (error.kind) {
    case EhrFailureKind.NotFound:
      return WriteBackFailureReason.APPOINTMENT_NOT_FOUND;
    case EhrFailureKind.Conflict:
      return job.action === 'reschedule' || job.action === 'book' || job.action === 'move'
        ? WriteBackFailureReason.SLOT_TAKEN
        : WriteBackFailureReason.REJECTED_BY_EHR;
    case EhrFailureKind.AuthorizationRejected:
    case EhrFailureKind.AuthorizationUnavailable:
      return WriteBackFailureReason.AUTHORIZATION_FAILED;
    case EhrFailureKind.Unavailable:
      return WriteBackFailureReason.EHR_UNAVAILABLE;
    case EhrFailureKind.VersionConflict:
    case EhrFailureKind.Rejected:
      return WriteBackFailureReason.REJECTED_BY_EHR;
  }
}

/** The reason a job gives up with once its retry deadline passed. */
export function reasonOfExhausted(error: EhrFhirError): WriteBackFailureReason {
  return error.kind === EhrFailureKind.AuthorizationUnavailable
    ? WriteBackFailureReason.AUTHORIZATION_FAILED
    : WriteBackFailureReason.EHR_UNAVAILABLE;
}
