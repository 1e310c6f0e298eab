import { type AppointmentLifecycle } from '../fhir/normalize-appointment';

/** What the gateway remembers about an appointment between deliveries. */
export interface AppointmentStateSnapshot {
  /**
   * Per-appointment order of the stored state: 1 for the first, +1 for every change stored
   * since. Published events carry it so consumers never move an appointment backwards.
   */
  readonly sequence: number;
  /** The EHR's `meta.versionId`, when it sends one. */
  readonly versionId: string | undefined;
  /** Fingerprint of the normalized content: recognises a redelivery, never orders anything. */
  readonly contentHash: string;
  readonly lifecycle: Exclude<AppointmentLifecycle, 'untracked'>;
  readonly start: Date;
  readonly end: Date;
  readonly sourceUpdatedAt: Date | undefined;
}

/** The parts of an incoming delivery the state table looks at. */
export interface IncomingAppointmentVersion {
  readonly versionId: string | undefined;
  readonly contentHash: string;
  readonly lifecycle: AppointmentLifecycle;
  readonly start: Date;
  readonly end: Date;
  readonly sourceUpdatedAt: Date | undefined;
}

/** Why an accepted delivery publishes nothing; returned to the EHR so operators can tell. */
export enum IgnoredReason {
  /** A status the gateway does not act on (proposed, arrived, fulfilled, ...). */
  StatusNotTracked = 'STATUS_NOT_TRACKED',
  /** A new version whose start/end did not move (e.g. a note was edited). */
  NoScheduleChange = 'NO_SCHEDULE_CHANGE',
  /** Older than the version already seen (`meta.versionId` / `meta.lastUpdated`): a late retry. */
  OutOfOrder = 'OUT_OF_ORDER',
  /** A further edit to an appointment that is already cancelled. */
  AlreadyCancelled = 'ALREADY_CANCELLED',
  /** The echo of ehr-gateway's own write-back (e.g. the patient's confirmation): not news. */
  OwnWriteBack = 'OWN_WRITE_BACK',
}

export type AppointmentChange =
  | { readonly kind: 'booked' }
  | { readonly kind: 'rescheduled'; readonly previousStart: Date; readonly previousEnd: Date }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'ignored'; readonly reason: IgnoredReason };

export interface Classification {
  readonly change: AppointmentChange;
  /** The state to store; undefined leaves the stored state as it is. */
  readonly nextState: AppointmentStateSnapshot | undefined;
}

/**
 * The appointment state machine of CareDispatch: the one place that decides whether an EHR
 * change is a booking, a reschedule or a cancellation (scheduling applies the result in
 * `sequence` order and does not decide again). Rows: what we knew (nothing / active /
 * cancelled); columns: what arrived. Only transitions a patient would notice publish.
 *
 * | known \ incoming | same version | untracked status | active                           | cancelled          |
 * |------------------|--------------|------------------|----------------------------------|--------------------|
 * | nothing          | —            | ignored          | booked                           | cancelled          |
 * | active           | duplicate    | ignored          | rescheduled if start/end moved,  | cancelled          |
 * |                  |              |                  | else ignored (no schedule change)|                    |
 * | cancelled        | duplicate    | ignored          | booked (reinstated)              | ignored (already)  |
 *
 * "Same version" is the same `meta.versionId`, or — when either side has none — the same
 * content as the *latest* stored state only, so booked 9:00 → cancelled → booked 9:00 is
 * three changes, not a duplicate. A delivery older than the stored one (numeric
 * `meta.versionId` or `meta.lastUpdated`) is ignored so a late retry cannot undo a newer
 * change; without either, the order of receipt is the order. A first-sight cancellation is
 * published so downstream services learn of it even if the booking webhook was lost.
 */
export function classifyAppointmentChange(
  known: AppointmentStateSnapshot | undefined,
  incoming: IncomingAppointmentVersion,
): Classification {
  if (known && isSameVersion(known, incoming)) return unchanged({ kind: 'duplicate' });
  if (incoming.lifecycle === 'untracked') return ignored(IgnoredReason.StatusNotTracked);
  if (known && isOlder(incoming, known)) return ignored(IgnoredReason.OutOfOrder);
  const nextState: AppointmentStateSnapshot = {
    sequence: (known?.sequence ?? 0) + 1,
    versionId: incoming.versionId,
    contentHash: incoming.contentHash,
    lifecycle: incoming.lifecycle,
    start: incoming.start,
    end: incoming.end,
    sourceUpdatedAt: incoming.sourceUpdatedAt ?? known?.sourceUpdatedAt,
  };

  if (incoming.lifecycle === 'cancelled') {
    return known?.lifecycle === 'cancelled'
      ? { change: { kind: 'ignored', reason: IgnoredReason.AlreadyCancelled }, nextState }
      : { change: { kind: 'cancelled' }, nextState };
  }
  if (!known || known.lifecycle === 'cancelled') return { change: { kind: 'booked' }, nextState };
  if (sameInstant(known.start, incoming.start) && sameInstant(known.end, incoming.end)) {
    return { change: { kind: 'ignored', reason: IgnoredReason.NoScheduleChange }, nextState };
  }
  return {
    change: { kind: 'rescheduled', previousStart: known.start, previousEnd: known.end },
    nextState,
  };
}

function isSameVersion(known: AppointmentStateSnapshot, incoming: IncomingAppointmentVersion) {
  if (known.versionId !== undefined && incoming.versionId !== undefined) {
    return known.versionId === incoming.versionId;
  }
  return known.contentHash === incoming.contentHash;
}

// FHIR says versionId is opaque; many servers use an increasing integer. Only then is it
// an order; anything else is compared for equality alone.
const NUMERIC_VERSION = /^\d{1,15}$/;

function isOlder(incoming: IncomingAppointmentVersion, known: AppointmentStateSnapshot): boolean {
  if (
    incoming.versionId !== undefined &&
    known.versionId !== undefined &&
    NUMERIC_VERSION.test(incoming.versionId) &&
    NUMERIC_VERSION.test(known.versionId)
  ) {
    return Number(incoming.versionId) < Number(known.versionId);
  }
  return (
    incoming.sourceUpdatedAt !== undefined &&
    known.sourceUpdatedAt !== undefined &&
    incoming.sourceUpdatedAt.getTime() < known.sourceUpdatedAt.getTime()
  );
}

function unchanged(change: AppointmentChange): Classification {
  return { change, nextState: undefined };
}

function ignored(reason: IgnoredReason): Classification {
  return unchanged({ kind: 'ignored', reason });
}

function sameInstant(a: Date, b: Date): boolean {
  return a.getTime() === b.getTime();
}
